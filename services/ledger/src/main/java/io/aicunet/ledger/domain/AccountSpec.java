package io.aicunet.ledger.domain;

import java.util.Objects;

/** The client-chosen part of an account: code, unit and limit flags. */
public record AccountSpec(String code, String unit, boolean debitsMustNotExceedCredits,
                          boolean creditsMustNotExceedDebits) {

    public AccountSpec {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(unit, "unit");
    }
}
