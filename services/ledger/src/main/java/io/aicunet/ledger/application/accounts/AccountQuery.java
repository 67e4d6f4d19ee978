package io.aicunet.ledger.application.accounts;

/**
 * One account, as GetAccount and CloseAccount are asked for it; {@code tenantId} empty
 * means the caller's own tenant.
 */
public record AccountQuery(String tenantId, String accountId) {
}
