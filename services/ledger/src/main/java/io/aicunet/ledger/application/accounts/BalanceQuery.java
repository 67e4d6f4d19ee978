package io.aicunet.ledger.application.accounts;

import java.time.Instant;
import java.util.Optional;

/**
 * An account's balances now ({@code asOf} empty) or as of a past time; {@code
 * tenantId} empty means the caller's own tenant.
 */
public record BalanceQuery(String tenantId, String accountId, Optional<Instant> asOf) {
}
