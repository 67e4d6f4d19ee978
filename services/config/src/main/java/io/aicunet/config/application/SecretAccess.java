package io.aicunet.config.application;

import io.aicunet.config.application.ConfigViews.ValueView;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.config.domain.StoredValue;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.aicunet.platform.tenancy.TenantScope;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Decides, once per request or watch, which secrets the caller may read in the clear
 * (action {@value #ACTION}): a tenant's secrets need the permission on that tenant,
 * platform-level secrets (global and service scope) need it at platform level, so a
 * tenant administrator never sees a platform secret. Fails closed: an unreachable
 * policy engine masks every secret.
 */
@ApplicationScoped
public class SecretAccess {

    public static final String ACTION = "config.secrets.read";

    private final PolicyDecisions decisions;
    private final SecretCipher cipher;

    public SecretAccess(PolicyDecisions decisions, SecretCipher cipher) {
        this.decisions = decisions;
        this.cipher = cipher;
    }

    /** Asks the policy only when there is a secret to show. */
    public Uni<SecretReveal> decide(Caller caller, boolean secretsPresent) {
        if (!secretsPresent) {
            return Uni.createFrom().item(new SecretReveal(cipher, false, Optional.empty(), false));
        }
        Uni<Boolean> platform = allowed(caller, Optional.empty());
        if (caller.scope() instanceof TenantScope.SingleTenant single) {
            return Uni.combine().all().unis(platform, allowed(caller, Optional.of(single.tenant())))
                    .asTuple()
                    .map(both -> new SecretReveal(cipher, both.getItem1(), Optional.of(single.tenant()),
                            both.getItem2()));
        }
        // At platform scope the policy grants by role alone, whatever tenant owns the secret.
        return platform.map(allowed -> new SecretReveal(cipher, allowed, Optional.empty(), allowed));
    }

    private Uni<Boolean> allowed(Caller caller, Optional<TenantId> owner) {
        return decisions.check(caller, ACTION, ConfigAccess.resourceOf(ConfigAccess.SECRET, "", owner))
                .map(Optional::isEmpty);
    }

    /** Shows values as one caller may see them. */
    public static final class SecretReveal {

        private final SecretCipher cipher;
        private final boolean platformSecrets;
        private final Optional<TenantId> tenant;
        private final boolean tenantSecrets;

        SecretReveal(SecretCipher cipher, boolean platformSecrets, Optional<TenantId> tenant, boolean tenantSecrets) {
            this.cipher = cipher;
            this.platformSecrets = platformSecrets;
            this.tenant = tenant;
            this.tenantSecrets = tenantSecrets;
        }

        public ValueView show(EntryKey key, StoredValue value) {
            if (value instanceof StoredValue.Plain plain) {
                return ValueView.plain(plain.json());
            }
            StoredValue.Sealed sealed = (StoredValue.Sealed) value;
            return mayRead(key) ? ValueView.revealed(cipher.open(key, sealed)) : ValueView.maskedSecret();
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
