package io.aicunet.audit.application.records;

import io.aicunet.audit.domain.AuditRules;
import io.aicunet.audit.domain.DetailsState;
import io.aicunet.audit.domain.RecordDraft;
import io.aicunet.audit.domain.RevealedRecord;
import io.aicunet.audit.domain.StoredRecord;
import io.aicunet.platform.auditlog.SealedDetails;
import io.aicunet.platform.privacy.DataKey;
import io.aicunet.platform.privacy.FieldCipher;
import io.aicunet.platform.privacy.TenantDataKeys;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Seals record details with the tenant's data key before they are hashed and chained,
 * and reveals them on reading while the key exists. The ciphertext is
 * {@link FieldCipher}'s (AES-GCM, the tenant id as associated data) over the base64 of
 * the details; the record hash covers its digest ({@link SealedDetails}). Details of the
 * platform's own log (no tenant) and empty details are never sealed.
 */
@ApplicationScoped
public class DetailsSealing {

    private final TenantDataKeys keys;

    public DetailsSealing(TenantDataKeys keys) {
        this.keys = keys;
    }

    /** Whether a tenant's records have their details sealed: every tenant's but the platform's own log. */
    public static boolean sealedFor(UUID tenant) {
        return !AuditRules.PLATFORM_LOG.equals(tenant);
    }

    /**
     * The current data key of each tenant (empty: unknown tenant, or key destroyed), one
     * look-up per tenant (cached by {@link TenantDataKeys}), all at once. Fails when the
     * tenant service cannot be reached.
     */
    public Uni<Map<UUID, Optional<DataKey>>> currentKeys(Collection<UUID> tenants) {
        List<UUID> distinct = tenants.stream().filter(DetailsSealing::sealedFor).distinct().toList();
        if (distinct.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Uni<Optional<DataKey>>> lookUps = distinct.stream().map(t -> keys.current(new TenantId(t))).toList();
        return Uni.join().all(lookUps).andFailFast().map(found -> {
            Map<UUID, Optional<DataKey>> byTenant = new HashMap<>();
            for (int i = 0; i < distinct.size(); i++) {
                byTenant.put(distinct.get(i), found.get(i));
            }
            return byTenant;
        });
    }

    /** The tenant's current key; empty when the tenant is unknown or its key destroyed. */
    public Uni<Optional<DataKey>> currentKey(UUID tenant) {
        return keys.current(new TenantId(tenant));
    }

    /** The draft with its details sealed with {@code key}; empty details stay as they are. */
    public static RecordDraft seal(RecordDraft draft, DataKey key) {
        if (draft.details().length == 0) {
            return draft;
        }
        return draft.sealed(FieldCipher.encrypt(key, Base64.getEncoder().encodeToString(draft.details())));
    }

    /** The records with their details as a reader gets them; each key the ciphertexts name is fetched once. */
    public Uni<List<RevealedRecord>> reveal(UUID tenant, List<StoredRecord> records) {
        Map<String, String> ciphertextByKeyId = new LinkedHashMap<>();
        for (StoredRecord stored : records) {
            stored.sealedDetails().ifPresent(c -> FieldCipher.keyIdOf(c)
                    .ifPresent(keyId -> ciphertextByKeyId.putIfAbsent(keyId, c)));
        }
        if (ciphertextByKeyId.isEmpty()) {
            return Uni.createFrom().item(records.stream().map(r -> revealed(r, Map.of())).toList());
        }
        List<String> keyIds = new ArrayList<>(ciphertextByKeyId.keySet());
        List<Uni<Optional<DataKey>>> lookUps = keyIds.stream()
                .map(keyId -> keys.forCiphertext(new TenantId(tenant), ciphertextByKeyId.get(keyId)))
                .toList();
        return Uni.join().all(lookUps).andFailFast().map(found -> {
            Map<String, DataKey> byId = new HashMap<>();
            for (int i = 0; i < keyIds.size(); i++) {
                found.get(i).ifPresent(key -> byId.put(key.keyId(), key));
            }
            return records.stream().map(r -> revealed(r, byId)).toList();
        });
    }

    private static RevealedRecord revealed(StoredRecord stored, Map<String, DataKey> keysById) {
        byte[] details = stored.record().details();
        if (stored.sealedDetails().isEmpty()) {
            if (stored.detailsRedactedAt().isPresent()) {
                return new RevealedRecord(stored, DetailsState.REDACTED, Optional.empty());
            }
            // A reference without its ciphertext can only be a redaction; anything else was never sealed.
            return SealedDetails.isReference(details)
                    ? new RevealedRecord(stored, DetailsState.REDACTED, Optional.empty())
                    : new RevealedRecord(stored, DetailsState.PLAIN, Optional.of(details));
        }
        String ciphertext = stored.sealedDetails().get();
        Optional<byte[]> opened = FieldCipher.keyIdOf(ciphertext).map(keysById::get)
                .flatMap(key -> FieldCipher.decrypt(key, ciphertext))
                .map(base64 -> Base64.getDecoder().decode(base64));
        return opened.isPresent()
                ? new RevealedRecord(stored, DetailsState.DECRYPTED, opened)
                : new RevealedRecord(stored, DetailsState.UNREADABLE, Optional.empty());
    }
}
