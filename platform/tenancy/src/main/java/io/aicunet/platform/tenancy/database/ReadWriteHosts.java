package io.aicunet.platform.tenancy.database;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Which of several configured database hosts a new connection goes to: the first that
 * answers and accepts writes (libpq's {@code target_session_attrs=read-write}), starting
 * with the host that was chosen last time, then the others in configured order. After a
 * failover the old primary refuses or answers read-only, the search moves on and
 * remembers the promoted host, so later connections go there first.
 *
 * <p>Pure: how a host is checked is the caller's ({@code isReadWrite}), so this is
 * tested without a database.
 */
public final class ReadWriteHosts {

    private final List<String> names;
    private final String wanted;
    private final AtomicInteger lastChosen = new AtomicInteger();

    /** {@code names} name the hosts in configured order (for messages only); at least one. */
    public ReadWriteHosts(List<String> names) {
        this(names, "read-write");
    }

    /**
     * The same choice for another kind of host than a read-write one: {@code wanted} says
     * which in messages (e.g. "standby" for hosts whose check asks whether they are in recovery).
     */
    public ReadWriteHosts(List<String> names, String wanted) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("at least one host is needed");
        }
        this.names = List.copyOf(names);
        this.wanted = Objects.requireNonNull(wanted, "wanted");
    }

    public int size() {
        return names.size();
    }

    /** The index of the host chosen last (0 before any choice). */
    public int lastChosen() {
        return lastChosen.get();
    }

    /**
     * The index of the first host, from the last chosen on, whose check answers true. A
     * check that fails or answers false moves on to the next host; when none answers true
     * the future fails with {@link NoReadWriteHost}, naming what each host answered.
     */
    public Future<Integer> choose(IntFunction<Future<Boolean>> isReadWrite) {
        Objects.requireNonNull(isReadWrite, "isReadWrite");
        int start = lastChosen.get();
        return attempt(isReadWrite, start, 0, new ArrayList<>(names.size()));
    }

    private Future<Integer> attempt(IntFunction<Future<Boolean>> isReadWrite, int start, int tried,
                                    List<String> refusals) {
        if (tried == names.size()) {
            return Future.failedFuture(new NoReadWriteHost(wanted, refusals));
        }
        int index = (start + tried) % names.size();
        Future<Boolean> check;
        try {
            check = isReadWrite.apply(index);
        } catch (RuntimeException e) {
            check = Future.failedFuture(e);
        }
        return check.transform(answer -> {
            if (answer.succeeded() && Boolean.TRUE.equals(answer.result())) {
                lastChosen.set(index);
                return Future.succeededFuture(index);
            }
            refusals.add(names.get(index) + ": " + (answer.succeeded()
                    ? "answers, but is not " + wanted
                    : String.valueOf(answer.cause().getMessage())));
            return attempt(isReadWrite, start, tried + 1, refusals);
        });
    }

    /** No configured host answered as wanted (read-write): infrastructure is down or mid-failover. */
    public static final class NoReadWriteHost extends RuntimeException {

        private static final long serialVersionUID = 1L;

        NoReadWriteHost(String wanted, List<String> refusals) {
            super("no " + wanted + " database host among the configured ones: " + String.join("; ", refusals));
        }
    }
}
