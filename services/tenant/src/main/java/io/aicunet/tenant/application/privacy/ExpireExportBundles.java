package io.aicunet.tenant.application.privacy;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Deletes export bundles older than {@code aicunet.privacy.exports.expire-after} (7 days by
 * default): a sweep over the object store, safe with several replicas. A sweep rather than
 * a lifecycle rule on the bucket: s3proxy does not apply lifecycle rules, and the
 * directory store has none.
 */
@ApplicationScoped
public class ExpireExportBundles {

    private final ExportBundles bundles;

    public ExpireExportBundles(ExportBundles bundles) {
        this.bundles = bundles;
    }

    /** The number of objects deleted. */
    public Uni<Integer> execute(Instant now) {
        return bundles.deleteExpired(now);
    }
}
