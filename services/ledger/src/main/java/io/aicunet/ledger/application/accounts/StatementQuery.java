package io.aicunet.ledger.application.accounts;

/**
 * A page of an account's statement (ListAccountTransfers); {@code tenantId} empty
 * means the caller's own tenant.
 */
public record StatementQuery(String tenantId, String accountId, int pageSize, String pageToken) {
}
