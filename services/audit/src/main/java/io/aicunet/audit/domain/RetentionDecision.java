package io.aicunet.audit.domain;

/**
 * What retention may do to one tenant's log now: remove every record up to a segment
 * boundary, or keep everything, and why. Only whole segments go, and only up to a
 * checkpoint, so what remains verifies against the checkpoints that remain.
 */
public sealed interface RetentionDecision {

    /** Remove records {@code firstRetainedSequence .. upToSequence}. */
    record Remove(long upToSequence) implements RetentionDecision {
    }

    /** Keep everything; {@code because} is one of the KEPT_* reasons. */
    record Keep(String because) implements RetentionDecision {
    }

    String KEPT_LEGAL_HOLD = "legal_hold";
    String KEPT_NO_POLICY = "no_retention_policy";
    String KEPT_NOTHING_EXPIRED = "nothing_expired";
    String KEPT_NO_CHECKPOINT = "no_checkpoint";

    /**
     * @param lastExpiredSequence   the last record recorded before the retention cutoff (0 if none)
     * @param newestCheckpointSize  the tree size of the newest checkpoint (0 if none)
     * @param sealedSegments        how many segments (from segment 0) are sealed
     */
    static RetentionDecision decide(LogHead head, RetentionPolicy policy, long lastExpiredSequence,
                                    long newestCheckpointSize, long sealedSegments) {
        if (policy.legalHold()) {
            return new Keep(KEPT_LEGAL_HOLD);
        }
        if (policy.retentionDays().isEmpty()) {
            return new Keep(KEPT_NO_POLICY);
        }
        long boundary = (lastExpiredSequence / head.segmentSize()) * head.segmentSize();
        boundary = Math.min(boundary, sealedSegments * head.segmentSize());
        if (boundary < head.firstRetainedSequence()) {
            return new Keep(KEPT_NOTHING_EXPIRED);
        }
        long checkpointed = (newestCheckpointSize / head.segmentSize()) * head.segmentSize();
        if (checkpointed < head.firstRetainedSequence()) {
            return new Keep(KEPT_NO_CHECKPOINT);
        }
        return new Remove(Math.min(boundary, checkpointed));
    }
}
