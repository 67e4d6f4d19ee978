package io.aicunet.ledger.application.privacy;

import io.aicunet.ledger.domain.PersonalMetadata;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.ledger.domain.TransferId;
import io.aicunet.ledger.domain.TransferOutcome;
import io.aicunet.platform.privacy.DataKey;
import io.aicunet.platform.privacy.FieldCipher;
import io.aicunet.platform.privacy.TenantDataKeys;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The ledger's personal data and the tenant's data key: the key for writing (a tenant
 * without one may not store personal data), sealing a transfer's personal metadata
 * before it is written, and opening it after it is read. Keys come from the tenant
 * service through {@link TenantDataKeys}, cached there; a batch asks once, and only
 * when one of its transfers carries personal data.
 */
@ApplicationScoped
public class PersonalDataCipher {

    /** The refusal of personal data for a tenant without a data key. */
    public static final String KEY_UNAVAILABLE = TenantDataKeys.KEY_UNAVAILABLE;

    private static final Logger LOG = Logger.getLogger(PersonalDataCipher.class);

    private final TenantDataKeys keys;

    public PersonalDataCipher(TenantDataKeys keys) {
        this.keys = keys;
    }

    /**
     * The tenant's current key, to write personal data with. FAILED_PRECONDITION when the
     * tenant has none (unknown to the tenant service, or erased); UNAVAILABLE when the
     * tenant service cannot be asked.
     */
    public Uni<Result<DataKey>> keyForWriting(TenantId tenant) {
        return keys.forWriting(tenant, "personal data (personal_metadata, subject_id)");
    }

    /** The transfers with their personal metadata sealed with {@code key}; those without any stay as they are. */
    public static List<Transfer> seal(DataKey key, List<Transfer> transfers) {
        List<Transfer> sealed = new ArrayList<>(transfers.size());
        for (Transfer transfer : transfers) {
            sealed.add(transfer.personalMetadata().needsSealing()
                    ? transfer.withPersonalMetadata(new PersonalMetadata.Sealed(
                            FieldCipher.encrypt(key, json(transfer.personalMetadata().entries()))))
                    : transfer);
        }
        return sealed;
    }

    /**
     * The transfers with their sealed personal metadata opened: plaintext, or
     * {@link PersonalMetadata.Unreadable} where the key is destroyed. Each key the
     * transfers need is asked for once. UNAVAILABLE when the tenant service cannot be asked.
     */
    public Uni<Result<List<Transfer>>> open(List<Transfer> transfers) {
        Set<String> cacheKeys = new LinkedHashSet<>();
        Map<String, TenantId> tenantOfKey = new HashMap<>();
        Map<String, String> sampleOfKey = new HashMap<>();
        for (Transfer transfer : transfers) {
            if (transfer.personalMetadata() instanceof PersonalMetadata.Sealed sealed) {
                String keyId = FieldCipher.keyIdOf(sealed.ciphertext()).orElse("");
                String cacheKey = transfer.tenant() + "/" + keyId;
                if (cacheKeys.add(cacheKey)) {
                    tenantOfKey.put(cacheKey, transfer.tenant());
                    sampleOfKey.put(cacheKey, sealed.ciphertext());
                }
            }
        }
        if (cacheKeys.isEmpty()) {
            return Uni.createFrom().item(Result.ok(transfers));
        }
        Map<String, Optional<DataKey>> found = new HashMap<>();
        return Multi.createFrom().iterable(cacheKeys)
                .onItem().transformToUniAndConcatenate(cacheKey -> keys
                        .forCiphertext(tenantOfKey.get(cacheKey), sampleOfKey.get(cacheKey))
                        .invoke(key -> found.put(cacheKey, key)))
                .collect().last()
                .map(ignored -> Result.ok(opened(transfers, found)))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf(failure, "cannot get data keys to read personal metadata");
                    return Result.failed(new Problem.Unavailable("the tenant service, which holds the data keys"
                            + " of personal metadata, cannot be reached; retry later"));
                });
    }

    /** {@link #open} for the transfers of batch outcomes (replays read from the database). */
    public Uni<Result<List<TransferOutcome>>> openOutcomes(List<TransferOutcome> outcomes) {
        List<Transfer> sealed = new ArrayList<>();
        for (TransferOutcome outcome : outcomes) {
            outcome.transfer().filter(t -> t.personalMetadata() instanceof PersonalMetadata.Sealed)
                    .ifPresent(sealed::add);
        }
        if (sealed.isEmpty()) {
            return Uni.createFrom().item(Result.ok(outcomes));
        }
        return open(sealed).map(result -> result.map(opened -> {
            Map<TransferId, Transfer> byId = new HashMap<>();
            opened.forEach(transfer -> byId.put(transfer.id(), transfer));
            List<TransferOutcome> replaced = new ArrayList<>(outcomes.size());
            for (TransferOutcome outcome : outcomes) {
                replaced.add(outcome.transfer().filter(t -> byId.containsKey(t.id()))
                        .map(t -> outcome.withTransfer(byId.get(t.id())))
                        .orElse(outcome));
            }
            return replaced;
        }));
    }

    private static List<Transfer> opened(List<Transfer> transfers, Map<String, Optional<DataKey>> keysFound) {
        List<Transfer> opened = new ArrayList<>(transfers.size());
        for (Transfer transfer : transfers) {
            if (!(transfer.personalMetadata() instanceof PersonalMetadata.Sealed sealed)) {
                opened.add(transfer);
                continue;
            }
            String cacheKey = transfer.tenant() + "/" + FieldCipher.keyIdOf(sealed.ciphertext()).orElse("");
            Optional<String> plaintext = keysFound.getOrDefault(cacheKey, Optional.empty())
                    .flatMap(key -> FieldCipher.decrypt(key, sealed.ciphertext()));
            opened.add(transfer.withPersonalMetadata(plaintext
                    .<PersonalMetadata>map(PersonalDataCipher::plain)
                    .orElseGet(PersonalMetadata.Unreadable::new)));
        }
        return opened;
    }

    static String json(Map<String, String> entries) {
        JsonObject json = new JsonObject();
        new TreeMap<>(entries).forEach(json::put);
        return json.encode();
    }

    private static PersonalMetadata plain(String json) {
        Map<String, String> entries = new TreeMap<>();
        new JsonObject(json).forEach(entry -> entries.put(entry.getKey(), String.valueOf(entry.getValue())));
        return new PersonalMetadata.Plain(entries);
    }
}
