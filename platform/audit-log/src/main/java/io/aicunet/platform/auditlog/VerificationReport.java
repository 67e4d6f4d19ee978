package io.aicunet.platform.auditlog;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a verification established: how many records and checkpoints it checked, and
 * every finding, the first bad record first.
 */
public record VerificationReport(UUID tenantId, long firstSequence, long lastSequence, long recordsVerified,
                                 long checkpointsVerified, List<Finding> findings) {

    public VerificationReport {
        findings = List.copyOf(findings);
    }

    public boolean ok() {
        return findings.isEmpty();
    }

    /** The finding that names the first bad record, if any finding names one. */
    public Optional<Finding> firstBadRecord() {
        return findings.stream().filter(Finding::namesRecord).findFirst();
    }

    /** One line for people: what was checked, and the first finding. */
    public String summary() {
        String range = lastSequence < firstSequence ? "no records" : "records " + firstSequence + ".." + lastSequence;
        if (ok()) {
            return "OK: tenant " + tenantId + ", " + range + " (" + recordsVerified + ") and " + checkpointsVerified
                    + " checkpoint(s) verified: chain, tree, proofs and signatures";
        }
        return "FAILED: tenant " + tenantId + ", " + range + ": " + findings.get(0)
                + (findings.size() > 1 ? " (and " + (findings.size() - 1) + " more finding(s))" : "");
    }
}
