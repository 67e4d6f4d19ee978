package io.aicunet.ledger.application.transfers;

import io.aicunet.ledger.domain.TransferDraft;
import java.util.List;

/**
 * A batch of transfers as the edges hand it over, not yet validated; {@code tenantId}
 * empty means the caller's own tenant.
 */
public record CreateTransfersCommand(String tenantId, List<TransferDraft> transfers) {
}
