package io.aicunet.ledger.application.transfers;

/** One transfer, as GetTransfer is asked for it; {@code tenantId} empty means the caller's own tenant. */
public record TransferQuery(String tenantId, String transferId) {
}
