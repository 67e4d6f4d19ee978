package io.aicunet.ledger.application.reports;

import java.time.LocalDate;
import java.util.Optional;

/**
 * A FinOps report over [from, to] (UTC days); {@code tenantId} empty at platform scope
 * means every tenant.
 */
public record ReportQuery(String tenantId, Optional<LocalDate> from, Optional<LocalDate> to) {
}
