package io.aicunet.ledger.domain;

/** The outcome of one transfer of a batch; each failure says what was wrong and changed nothing. */
public enum TransferResult {
    OK,
    EXISTS,
    EXISTS_WITH_DIFFERENT_BODY,
    LINKED_EVENT_FAILED,
    LINKED_EVENT_CHAIN_OPEN,
    INVALID_FIELD,
    ACCOUNTS_MUST_BE_DIFFERENT,
    DEBIT_ACCOUNT_NOT_FOUND,
    CREDIT_ACCOUNT_NOT_FOUND,
    DEBIT_ACCOUNT_CLOSED,
    CREDIT_ACCOUNT_CLOSED,
    UNITS_MUST_BE_EQUAL,
    EXCEEDS_CREDITS,
    EXCEEDS_DEBITS,
    OVERFLOWS_BALANCE,
    PENDING_TRANSFER_NOT_FOUND,
    PENDING_TRANSFER_NOT_PENDING,
    PENDING_TRANSFER_ALREADY_POSTED,
    PENDING_TRANSFER_ALREADY_VOIDED,
    PENDING_TRANSFER_EXPIRED,
    EXCEEDS_PENDING_TRANSFER_AMOUNT,
    EXCEEDS_TOKEN_BUDGET;

    /** Whether the transfer stands (created now, or before with the same body). */
    public boolean succeeded() {
        return this == OK || this == EXISTS;
    }
}
