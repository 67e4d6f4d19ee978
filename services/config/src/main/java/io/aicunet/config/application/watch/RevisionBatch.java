package io.aicunet.config.application.watch;

import io.aicunet.config.domain.ConfigRevision;
import java.util.List;

/**
 * Every revision in (from, to], as a replica's feed read them from the database, in
 * order. A watcher that has everything up to {@code from} can take the batch as it is;
 * one that is further behind must read the gap from the database first.
 */
record RevisionBatch(long from, long to, List<ConfigRevision> revisions) {

    RevisionBatch {
        revisions = List.copyOf(revisions);
        if (to < from) {
            throw new IllegalArgumentException("batch (" + from + ", " + to + "]");
        }
    }
}
