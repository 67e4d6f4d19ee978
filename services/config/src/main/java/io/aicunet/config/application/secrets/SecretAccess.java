package io.aicunet.config.application.secrets;

import io.aicunet.config.application.access.ConfigAccess;
import io.aicunet.config.application.contract.SecretAccessEvents;
import io.aicunet.config.application.access.ConfigViews.ValueView;
import io.aicunet.config.application.port.SecretCipher;
import io.aicunet.config.application.port.SecretCipher.Opened;
import io.aicunet.config.application.port.SecretCipher.SealedSecret;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.config.domain.StoredValue;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.outbox.OutboxEvent;
import io.aicunet.platform.policy.RequestPipeline;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Decides, once per request or watch, which secrets the caller may read in the clear
 * (action {@value #ACTION}): a tenant's secrets need the permission on that tenant,
 * platform-level secrets (global and service scope) need it at platform level, so a
 * tenant administrator never sees a platform secret. Fails closed: an unreachable
 * policy engine masks every secret. Only the secrets the caller may read are opened,
 * so only their keys are fetched; a secret whose tenant key was destroyed shows as
 * masked with the reason. Every secret revealed is recorded first (SecretRevealed on
 * config.secret-access.v1, for the audit log): no value leaves without its record.
 */
@ApplicationScoped
public class SecretAccess {

    private static final Logger LOG = Logger.getLogger(SecretAccess.class);

    public static final String ACTION = "config.secrets.read";

    private final RequestPipeline pipeline;
    private final SecretCipher cipher;
    private final Outbox outbox;
    private final SecretAccessEvents events;

    public SecretAccess(RequestPipeline pipeline, SecretCipher cipher, Outbox outbox, SecretAccessEvents events) {
        this.pipeline = pipeline;
        this.cipher = cipher;
        this.outbox = outbox;
        this.events = events;
    }

    /** Asks the policy only when there is a secret to show; the reveal can show plain values only until prepared. */
    public Uni<SecretReveal> decide(Caller caller, boolean secretsPresent) {
        Recorder recorder = revealed -> record(caller, revealed);
        if (!secretsPresent) {
            return Uni.createFrom().item(new SecretReveal(cipher, recorder, false, Optional.empty(), false, null));
        }
        Uni<Boolean> platform = allowed(caller, Optional.empty());
        if (caller.scope() instanceof TenantScope.SingleTenant single) {
            return Uni.combine().all().unis(platform, allowed(caller, Optional.of(single.tenant())))
                    .asTuple()
                    .map(both -> new SecretReveal(cipher, recorder, both.getItem1(), Optional.of(single.tenant()),
                            both.getItem2(), null));
        }
        // At platform scope the policy grants by role alone, whatever tenant owns the secret.
        return platform.map(allowed -> new SecretReveal(cipher, recorder, allowed, Optional.empty(), allowed, null));
    }

    /** Writes one SecretRevealed per secret, in a transaction of its own, before any value is shown. */
    private Uni<Void> record(Caller caller, List<SealedSecret> revealed) {
        List<OutboxEvent> records = revealed.stream().map(SealedSecret::key).distinct()
                .map(key -> events.revealed(key, caller.subject())).toList();
        return pipeline.transaction(TenantScope.platform(), connection -> outbox.appendAll(connection, records)
                .map(appended -> Result.ok(appended.size())))
                .map(done -> {
                    if (done instanceof Result.Failed<Integer> failed) {
                        throw new IllegalStateException("the reveal could not be recorded: " + failed.problem());
                    }
                    return null;
                });
    }

    /** Records the reveal of secrets before they are shown. */
    @FunctionalInterface
    interface Recorder {
        Uni<Void> record(List<SealedSecret> revealed);
    }

    /** Decides and fetches the keys of the given secrets that the caller may read. */
    public Uni<SecretReveal> decide(Caller caller, List<SealedSecret> secrets) {
        return decide(caller, !secrets.isEmpty()).flatMap(reveal -> reveal.prepared(secrets));
    }

    private Uni<Boolean> allowed(Caller caller, Optional<TenantId> owner) {
        return pipeline.admit(caller, ACTION, ConfigAccess.resourceOf(ConfigAccess.SECRET, "", owner))
                .map(Optional::isEmpty);
    }

    /**
     * Secrets the caller may read cannot be revealed now: the tenant service could not be
     * asked for their keys, or the record of the reveal could not be written. An outage,
     * answered UNAVAILABLE (retry), never a masked value a client might keep.
     */
    public static final class RevealUnavailable extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final String why;

        public RevealUnavailable(Throwable cause) {
            this("the tenant service, which holds the keys of tenants' secrets, cannot be reached; retry", cause);
        }

        RevealUnavailable(String why, Throwable cause) {
            super(why + ": " + cause, cause);
            this.why = why;
        }

        public Problem problem() {
            return new Problem.Unavailable(why);
        }

        /** Recovers a use case's result from this failure. */
        public static <T> Result<T> asResult(Throwable failure) {
            return Result.failed(((RevealUnavailable) failure).problem());
        }
    }

    /** Shows values as one caller may see them. */
    public static final class SecretReveal {

        private final SecretCipher cipher;
        private final Recorder recorder;
        private final boolean platformSecrets;
        private final Optional<TenantId> tenant;
        private final boolean tenantSecrets;
        private final SecretCipher.SecretKeys keys;

        SecretReveal(SecretCipher cipher, Recorder recorder, boolean platformSecrets, Optional<TenantId> tenant,
                     boolean tenantSecrets, SecretCipher.SecretKeys keys) {
            this.cipher = cipher;
            this.recorder = recorder;
            this.platformSecrets = platformSecrets;
            this.tenant = tenant;
            this.tenantSecrets = tenantSecrets;
            this.keys = keys;
        }

        /**
         * The same decision, with the keys fetched that the given secrets need and the
         * caller may use, and the reveal of each recorded; without any such secret, this
         * reveal itself (nothing is fetched or recorded).
         */
        public Uni<SecretReveal> prepared(Collection<SealedSecret> secrets) {
            List<SealedSecret> readable = secrets.stream().filter(secret -> mayRead(secret.key())).toList();
            if (readable.isEmpty()) {
                return Uni.createFrom().item(this);
            }
            return cipher.keysFor(readable)
                    .onFailure().transform(RevealUnavailable::new)
                    .call(fetched -> recorder.record(readable).onFailure().transform(failure -> {
                        LOG.warnf(failure, "the reveal of %d secret(s) could not be recorded; none is shown",
                                readable.size());
                        return new RevealUnavailable(
                                "the reveal of a secret could not be recorded in the audit trail; retry", failure);
                    }))
                    .map(fetched -> new SecretReveal(cipher, recorder, platformSecrets, tenant, tenantSecrets, fetched));
        }

        /** Whether {@link #prepared} has anything to fetch for these secrets. */
        public boolean needsKeys(Collection<SealedSecret> secrets) {
            return secrets.stream().anyMatch(secret -> mayRead(secret.key()));
        }

        /** The value as this caller sees it; a readable secret must have been {@link #prepared} for. */
        public ValueView show(EntryKey key, StoredValue value) {
            if (value instanceof StoredValue.Plain plain) {
                return ValueView.plain(plain.json());
            }
            if (!mayRead(key)) {
                return ValueView.maskedSecret();
            }
            if (keys == null) {
                throw new IllegalStateException("the secret of " + key + " is shown before its keys were fetched");
            }
            Opened opened = keys.open(key, (StoredValue.Sealed) value);
            if (opened instanceof Opened.Clear clear) {
                return ValueView.revealed(clear.json());
            }
            return ValueView.unavailableSecret(((Opened.Unavailable) opened).reason());
        }

        private boolean mayRead(EntryKey key) {
            Optional<TenantId> owner = key.scope().tenant();
            if (owner.isEmpty()) {
                return platformSecrets;
            }
            // A tenant caller's decision covers its own tenant only; a platform caller's covers all.
            return tenantSecrets && (tenant.isEmpty() || tenant.equals(owner));
        }
    }
}
