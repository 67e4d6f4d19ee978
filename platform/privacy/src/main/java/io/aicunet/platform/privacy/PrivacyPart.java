package io.aicunet.platform.privacy;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.Map;

/**
 * A service's part of privacy requests (docs/privacy-requests.md). One bean per service;
 * {@link PrivacyRequestsConsumer} calls it once per request, in a transaction scoped to
 * the request's tenant, and answers the tenant service with what it returns.
 */
public interface PrivacyPart {

    /**
     * The tenant's (or subject's) records, page by page and kind by kind, with personal
     * fields decrypted: what the data subject gets. The consumer writes each page as JSON
     * Lines (each line carrying its kind) before it asks for the next, so an export of any
     * size holds only a few pages in memory ({@link ExportPage#paged}). Pages must be
     * fetched on {@code transaction} only when asked for.
     */
    Multi<ExportPage> export(SqlConnection transaction, PrivacyScope scope);

    /**
     * Deletes or anonymises the tenant's (or subject's) rows; returns how many records of
     * each kind were removed or anonymised. Must be idempotent: a second call finds nothing.
     */
    Uni<Map<String, Long>> erase(SqlConnection transaction, PrivacyScope scope);

    /**
     * Deletes what lives outside the database (Redis keys); called before the erasure's
     * transaction and again after it commits, so nothing re-cached in between survives.
     * Returns counts per kind, merged into the answer.
     */
    default Uni<Map<String, Long>> eraseOutsideDatabase(PrivacyScope scope) {
        return Uni.createFrom().item(Map.of());
    }
}
