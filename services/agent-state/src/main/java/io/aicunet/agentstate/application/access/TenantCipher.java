package io.aicunet.agentstate.application.access;

import io.aicunet.agentstate.domain.Checkpoint;
import io.aicunet.agentstate.domain.StoredCheckpoint;
import io.aicunet.platform.privacy.DataKey;
import io.aicunet.platform.privacy.FieldCipher;
import io.aicunet.platform.privacy.TenantDataKeys;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Encrypts and decrypts the personal fields the service stores (checkpoint states, task
 * payloads, failure reasons) with the tenant's data key. Keys come from the tenant
 * service and are cached in memory ({@link TenantDataKeys}), so once a tenant's key is
 * cached, neither a write nor a read makes a network call for it.
 *
 * <p>A tenant without a key (unknown to the tenant service, or erased: its key was
 * destroyed) cannot store personal data: writes are refused with FAILED_PRECONDITION
 * {@value #KEY_UNAVAILABLE} before anything changes. A stored text that is not a
 * ciphertext was written before states were encrypted and is returned as it is.
 */
@ApplicationScoped
public class TenantCipher {

    /** The precondition type of a refusal for want of a data key. */
    public static final String KEY_UNAVAILABLE = TenantDataKeys.KEY_UNAVAILABLE;

    private static final String PERSONAL_DATA = "personal data (checkpoint states, task payloads and reasons)";

    private final TenantDataKeys keys;

    public TenantCipher(TenantDataKeys keys) {
        this.keys = keys;
    }

    /** The tenant's current key; a refusal when it has none, UNAVAILABLE when the tenant service does not answer. */
    public Uni<Result<DataKey>> currentKey(TenantId tenant) {
        return keys.forWriting(tenant, PERSONAL_DATA);
    }

    /** The plaintext encrypted with the key. */
    public static String seal(DataKey key, String plaintext) {
        return FieldCipher.encrypt(key, plaintext);
    }

    /** The checkpoint with its state sealed by the key, as PostgreSQL and the cache hold it. */
    public static StoredCheckpoint seal(DataKey key, Checkpoint checkpoint) {
        return new StoredCheckpoint(checkpoint.summary(), seal(key, checkpoint.stateJson()));
    }

    /**
     * The plaintext of a stored text: decrypted with the key it names, or the text itself
     * when it is no ciphertext (written before encryption). A refusal when the key was
     * destroyed; fails when the key does not open it (altered, or a bug).
     */
    public Uni<Result<String>> open(TenantId tenant, String stored) {
        if (!isSealed(stored)) {
            return Uni.createFrom().item(Result.ok(stored));
        }
        return keys.forCiphertext(tenant, stored)
                .map(key -> key.<Result<String>>map(k -> Result.ok(decrypt(k, stored)))
                        .orElseGet(() -> Result.failed(TenantDataKeys.keyUnavailable(tenant, PERSONAL_DATA))))
                .onFailure(failure -> !(failure instanceof IllegalStateException))
                .recoverWithItem(failure -> Result.failed(TenantDataKeys.keyServiceUnavailable(tenant, failure)));
    }

    /** The checkpoint with its state decrypted; a refusal when the tenant's key was destroyed. */
    public Uni<Result<Checkpoint>> open(StoredCheckpoint stored) {
        return open(stored.summary().tenant(), stored.sealedState()).map(state -> state.map(stored::withState));
    }

    /** The plaintexts of several stored texts, in order; a refusal when any key was destroyed. */
    public Uni<Result<List<String>>> openAll(TenantId tenant, List<String> stored) {
        return Multi.createFrom().iterable(stored)
                .onItem().transformToUniAndConcatenate(text -> open(tenant, text))
                .collect().asList()
                .map(opened -> {
                    List<String> plain = new ArrayList<>(opened.size());
                    for (Result<String> one : opened) {
                        if (!one.isOk()) {
                            return Result.<List<String>>failed(one.problem());
                        }
                        plain.add(one.value());
                    }
                    return Result.ok(plain);
                });
    }

    /** The plaintext, when the key is at hand already (e.g. one key for a page of records). */
    public static String decrypt(DataKey key, String stored) {
        if (!isSealed(stored)) {
            return stored;
        }
        Optional<String> plain = FieldCipher.decrypt(key, stored);
        return plain.orElseThrow(() -> new IllegalStateException("a stored ciphertext of tenant " + key.tenant()
                + " does not open with its key " + key.keyId() + ": it was altered"));
    }

    /** Whether a stored text is a ciphertext (else it was written before encryption). */
    public static boolean isSealed(String stored) {
        return FieldCipher.keyIdOf(stored).isPresent();
    }
}
