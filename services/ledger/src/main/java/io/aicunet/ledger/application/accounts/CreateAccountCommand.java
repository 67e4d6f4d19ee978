package io.aicunet.ledger.application.accounts;

/**
 * What CreateAccount is asked, not yet validated; {@code tenantId} empty means the
 * caller's own tenant, {@code subjectId} empty or null that the account belongs to no
 * data subject.
 */
public record CreateAccountCommand(String tenantId, String accountId, String code, String unit,
                                   boolean debitsMustNotExceedCredits, boolean creditsMustNotExceedDebits,
                                   String subjectId) {
}
