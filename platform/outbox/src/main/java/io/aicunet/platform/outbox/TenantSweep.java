package io.aicunet.platform.outbox;

import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * A resumable pass over tenants in bounded batches, the one shape of the fleet's retention,
 * verification and checkpoint jobs. Each {@link #runOnce} visits at most
 * {@code tenantsPerPassMax} tenants in id order, after the last tenant the previous pass finished,
 * one at a time; when a pass finds fewer tenants than that, the next starts from the first
 * tenant again.
 *
 * <p><b>Resumable:</b> the cursor is a row of {@code tenant_sweeps}
 * (db/changelog/platform/tenant-sweeps.yaml), advanced after each tenant, so a pass cut short
 * by a crash or a deploy resumes after the last tenant it finished, on whichever replica runs
 * next; no tenant is starved by restarts.
 *
 * <p><b>Replica-safe:</b> a pass runs only while it holds a PostgreSQL session advisory lock
 * named after the sweep ({@code pg_try_advisory_lock}), on one pooled connection held for the
 * pass; a replica that cannot take it skips the pass ({@link Pass#skipped}). One replica at a
 * time per sweep, so two never share a cursor; the lock goes with the session if the replica
 * dies. The per-tenant work still runs in transactions of its own and should stay safe to
 * repeat (a pass may redo the tenant it was on when it died).
 *
 * <p>A tenant whose work fails is logged and passed over (the next round retries it); the
 * cursor moves on, so one broken tenant never stops the sweep.
 */
public final class TenantSweep {

    private static final Logger LOG = Logger.getLogger(TenantSweep.class);

    /** Sweep names share one advisory lock namespace with this first key. */
    private static final String LOCK_NAMESPACE = "aicunet.tenant-sweep";

    /** The one settings shape of a sweep; a job's @ConfigMapping group may extend it. */
    public interface Settings {

        /** The most tenants one pass visits. */
        int tenantsPerPassMax();
    }

    /** The tenants that have work, in id order, after {@code cursor} (all, when empty), at most {@code limit}. */
    @FunctionalInterface
    public interface Tenants {
        Uni<List<TenantId>> after(Optional<TenantId> cursor, int limit);
    }

    /**
     * What one pass did.
     *
     * @param skipped   another replica held the sweep: nothing was done
     * @param visited   tenants whose work ran (failed ones included)
     * @param failed    tenants whose work failed
     * @param done      the sum of what the work reported (rows removed, logs verified...)
     * @param wrapped   the pass reached the last tenant: the next starts from the first
     */
    public record Pass(boolean skipped, int visited, int failed, long done, boolean wrapped) {

        static Pass skippedPass() {
            return new Pass(true, 0, 0, 0, false);
        }
    }

    private final String name;
    private final Pool pool;
    private final int tenantsPerPassMax;

    /**
     * @param name              the sweep's name, unique in the service (e.g. {@code retention.personal})
     * @param pool              the service's pool (app role); the cursor table is in its schema
     * @param settings          how many tenants a pass visits at most
     */
    public TenantSweep(String name, Pool pool, Settings settings) {
        this.name = Objects.requireNonNull(name, "name");
        this.pool = Objects.requireNonNull(pool, "pool");
        if (name.isEmpty() || name.length() > 100) {
            throw new IllegalArgumentException("a sweep name has 1 to 100 characters: '" + name + "'");
        }
        this.tenantsPerPassMax = settings.tenantsPerPassMax();
        if (tenantsPerPassMax < 1) {
            throw new IllegalArgumentException("tenantsPerPassMax must be at least 1: " + tenantsPerPassMax);
        }
    }

    public String name() {
        return name;
    }

    /**
     * One pass: takes the sweep's lock (or skips), lists up to {@code tenantsPerPassMax} tenants
     * after the cursor, runs {@code work} for each in turn (it reports how much it did), and
     * advances the cursor after each.
     */
    public Uni<Pass> runOnce(Tenants tenants, Function<TenantId, Uni<Long>> work) {
        return pool.getConnection().flatMap(connection -> tryLock(connection)
                .flatMap(locked -> locked
                        ? pass(connection, tenants, work).eventually(() -> unlock(connection))
                        : Uni.createFrom().item(Pass.skippedPass()))
                .eventually(connection::close));
    }

    /** Where the next pass starts: after this tenant, or from the first when empty. */
    public Uni<Optional<TenantId>> cursor() {
        return pool.withConnection(this::readCursor);
    }

    private Uni<Pass> pass(SqlConnection connection, Tenants tenants, Function<TenantId, Uni<Long>> work) {
        return readCursor(connection)
                .flatMap(cursor -> tenants.after(cursor, tenantsPerPassMax))
                .flatMap(batch -> {
                    if (batch.size() > tenantsPerPassMax) {
                        throw new IllegalStateException("sweep " + name + " was given " + batch.size()
                                + " tenants, asked for at most " + tenantsPerPassMax);
                    }
                    boolean wrapped = batch.size() < tenantsPerPassMax;
                    return visit(connection, batch, 0, work, new Pass(false, 0, 0, 0, wrapped))
                            .call(pass -> wrapped ? writeCursor(connection, Optional.empty()) : Uni.createFrom().voidItem());
                });
    }

    private Uni<Pass> visit(SqlConnection connection, List<TenantId> batch, int index,
                            Function<TenantId, Uni<Long>> work, Pass sofar) {
        if (index == batch.size()) {
            return Uni.createFrom().item(sofar);
        }
        TenantId tenant = batch.get(index);
        return Uni.createFrom().deferred(() -> work.apply(tenant))
                .map(done -> new Pass(false, sofar.visited() + 1, sofar.failed(), sofar.done() + done, sofar.wrapped()))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf(failure, "sweep %s: tenant %s failed; the next round tries it again", name, tenant);
                    return new Pass(false, sofar.visited() + 1, sofar.failed() + 1, sofar.done(), sofar.wrapped());
                })
                .call(() -> writeCursor(connection, Optional.of(tenant)))
                .flatMap(next -> visit(connection, batch, index + 1, work, next));
    }

    private Uni<Boolean> tryLock(SqlConnection connection) {
        return connection.preparedQuery("SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked")
                .execute(Tuple.of(LOCK_NAMESPACE, name))
                .map(rows -> rows.iterator().next().getBoolean("locked"));
    }

    private Uni<Void> unlock(SqlConnection connection) {
        return connection.preparedQuery("SELECT pg_advisory_unlock(hashtext($1), hashtext($2))")
                .execute(Tuple.of(LOCK_NAMESPACE, name))
                .replaceWithVoid();
    }

    private Uni<Optional<TenantId>> readCursor(SqlConnection connection) {
        return connection.preparedQuery("SELECT resume_after FROM tenant_sweeps WHERE sweep = $1")
                .execute(Tuple.of(name))
                .map(rows -> rows.size() == 0 ? Optional.<TenantId>empty()
                        : Optional.ofNullable(rows.iterator().next().getUUID("resume_after")).map(TenantId::new));
    }

    private Uni<Void> writeCursor(SqlConnection connection, Optional<TenantId> resumeAfter) {
        return connection.preparedQuery("""
                        INSERT INTO tenant_sweeps (sweep, resume_after) VALUES ($1, $2)
                        ON CONFLICT (sweep) DO UPDATE
                           SET resume_after = excluded.resume_after, updated_at = clock_timestamp()""")
                .execute(Tuple.of(name, resumeAfter.map(TenantId::value).orElse((UUID) null)))
                .replaceWithVoid();
    }
}
