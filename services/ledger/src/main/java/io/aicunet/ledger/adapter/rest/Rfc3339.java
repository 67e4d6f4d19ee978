package io.aicunet.ledger.adapter.rest;

import io.aicunet.platform.problem.InputChecks;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a REST time parameter exactly as the OpenAPI document's {@code format: date-time}
 * (RFC 3339 section 5.6) describes it, so a value the document allows is never refused:
 * {@code T} and {@code Z} in either case, any number of fraction digits (beyond
 * nanoseconds they are cut), a leap second, and offsets up to {@code ±23:59}, which
 * {@link Instant#parse} refuses beyond ±18:00. Years are the four digits RFC 3339 has,
 * 0001 to 9999 (year 0000 is refused, as before); an instant that an offset moves just
 * outside {@link InputChecks#TIMESTAMP_MIN}..{@link InputChecks#TIMESTAMP_MAX} is clamped
 * to that range, which for "balances as of" means the same (no transfer is outside it).
 */
final class Rfc3339 {

    private static final Pattern DATE_TIME = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?(?:([Zz])|([+-])(\\d{2}):(\\d{2}))");

    private Rfc3339() {
    }

    /** The instant the text names, or empty when it is not an RFC 3339 date-time of the years 0001 to 9999. */
    static Optional<Instant> instant(String text) {
        if (text == null || text.length() > 64) {
            return Optional.empty();
        }
        Matcher parts = DATE_TIME.matcher(text);
        if (!parts.matches()) {
            return Optional.empty();
        }
        int year = Integer.parseInt(parts.group(1));
        int hour = Integer.parseInt(parts.group(4));
        int minute = Integer.parseInt(parts.group(5));
        int second = Integer.parseInt(parts.group(6));
        if (year < 1 || hour > 23 || minute > 59 || second > 60) {
            return Optional.empty();
        }
        int offsetSeconds = 0;
        if (parts.group(8) == null) {
            int offsetHours = Integer.parseInt(parts.group(10));
            int offsetMinutes = Integer.parseInt(parts.group(11));
            if (offsetHours > 23 || offsetMinutes > 59) {
                return Optional.empty();
            }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * ("-".equals(parts.group(9)) ? -1 : 1);
        }
        LocalDate date;
        try {
            date = LocalDate.of(year, Integer.parseInt(parts.group(2)), Integer.parseInt(parts.group(3)));
        } catch (DateTimeException notDate) {
            return Optional.empty();
        }
        String fraction = parts.group(7) == null ? "" : parts.group(7);
        int nanos = Integer.parseInt((fraction.length() > 9 ? fraction.substring(0, 9)
                : fraction + "000000000".substring(fraction.length())));
        // A leap second (:60) is the first instant of the next minute, as Instant.parse reads it.
        long epochSecond = date.toEpochSecond(java.time.LocalTime.of(hour, minute), ZoneOffset.UTC)
                + second - offsetSeconds;
        Instant instant = Instant.ofEpochSecond(epochSecond, nanos);
        if (instant.isBefore(InputChecks.TIMESTAMP_MIN)) {
            return Optional.of(InputChecks.TIMESTAMP_MIN);
        }
        if (instant.isAfter(InputChecks.TIMESTAMP_MAX)) {
            return Optional.of(InputChecks.TIMESTAMP_MAX);
        }
        return Optional.of(instant);
    }
}
