package io.aicunet.platform.testing;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of a benchmark run several times ({@code --runs N}, three by default), and
 * the median run of each: one run's figure on two shared cores says as much about the
 * machine's other work as about the service, the middle of three says less.
 */
public final class Medians {

    /** One run's figure: a rate, its p99 latency (NaN for a rate of a whole phase), and the line the run printed. */
    public record Figure(String name, double perSecond, double p99Millis, String line) {
    }

    private final Map<String, List<Figure>> figures = new LinkedHashMap<>();

    /** The number of runs {@code --runs N} asks for, else {@code fallback}. */
    public static int runs(String[] args, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--runs")) {
                int runs = Integer.parseInt(args[i + 1]);
                if (runs < 1) {
                    throw new IllegalArgumentException("--runs must be at least 1, not " + runs);
                }
                return runs;
            }
        }
        return fallback;
    }

    public void add(String name, double perSecond, double p99Millis, String line) {
        figures.computeIfAbsent(name, n -> new ArrayList<>()).add(new Figure(name, perSecond, p99Millis, line));
    }

    /** The run of the median rate of {@code name} (the lower middle one of an even count). */
    public Optional<Figure> median(String name) {
        List<Figure> runs = figures.get(name);
        if (runs == null || runs.isEmpty()) {
            return Optional.empty();
        }
        List<Figure> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(Figure::perSecond));
        return Optional.of(sorted.get((sorted.size() - 1) / 2));
    }

    /** Median rate of {@code name}, NaN when it was not measured. */
    public double medianRate(String name) {
        return median(name).map(Figure::perSecond).orElse(Double.NaN);
    }

    /** Every run's line of every figure, then the figure's median. */
    public void print(PrintStream out) {
        figures.forEach((name, runs) -> {
            runs.forEach(run -> out.println("  " + run.line()));
            Figure middle = median(name).orElseThrow();
            out.printf(Locale.ROOT, "%s: median of %d runs %.0f/s%s%n", name, runs.size(), middle.perSecond(),
                    Double.isNaN(middle.p99Millis()) ? "" : String.format(Locale.ROOT, ", p99 %.2f ms",
                            middle.p99Millis()));
        });
    }
}
