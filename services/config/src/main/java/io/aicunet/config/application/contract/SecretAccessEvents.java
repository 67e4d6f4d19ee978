package io.aicunet.config.application.contract;

import io.aicunet.config.domain.EntryKey;
import io.aicunet.contracts.config.v1.SecretRevealed;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.outbox.OutboxEvent;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where the config service records that a secret's value was revealed in clear, and the
 * records themselves: one event per secret and response, written before the value leaves
 * the service, keyed like config.entries.v1 (the entry's tenant, or the platform key), and
 * read by the audit log only.
 */
@ApplicationScoped
public class SecretAccessEvents {

    /** SecretRevealed. */
    public static final String TOPIC = "config.secret-access.v1";

    private final Outbox outbox;

    public SecretAccessEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    /** The value of {@code key} was revealed to {@code revealedTo} (a caller's subject). */
    public OutboxEvent revealed(EntryKey key, String revealedTo) {
        return outbox.event(TOPIC, ConfigEvents.keyOf(key.scope()), key.namespace() + "/" + key.key(),
                SecretRevealed.newBuilder()
                        .setNamespace(key.namespace())
                        .setKey(key.key())
                        .setScope(ConfigEvents.scope(key.scope()))
                        .setRevealedTo(revealedTo)
                        .build());
    }
}
