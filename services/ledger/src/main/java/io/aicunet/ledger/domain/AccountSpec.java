package io.aicunet.ledger.domain;

import java.util.Objects;
import java.util.Optional;

/** The client-chosen part of an account: code, unit, limit flags and the data subject it belongs to, if any. */
public record AccountSpec(String code, String unit, boolean debitsMustNotExceedCredits,
                          boolean creditsMustNotExceedDebits, Optional<String> subjectId) {

    public AccountSpec {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(subjectId, "subjectId");
    }

    /** An account of the tenant itself, belonging to no data subject. */
    public AccountSpec(String code, String unit, boolean debitsMustNotExceedCredits,
                       boolean creditsMustNotExceedDebits) {
        this(code, unit, debitsMustNotExceedCredits, creditsMustNotExceedDebits, Optional.empty());
    }
}
