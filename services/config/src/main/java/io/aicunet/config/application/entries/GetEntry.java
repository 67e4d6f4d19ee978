package io.aicunet.config.application.entries;

import io.aicunet.config.application.access.ConfigAccess;
import io.aicunet.config.application.access.ConfigCommands.GetEntryQuery;
import io.aicunet.config.application.access.ConfigInputs;
import io.aicunet.config.application.access.ConfigViews.EntryView;
import io.aicunet.config.application.port.Entries;
import io.aicunet.config.application.port.SecretCipher;
import io.aicunet.config.application.secrets.SecretAccess;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads one entry at one scope; a secret is masked unless the caller may read secrets. */
@ApplicationScoped
public class GetEntry {

    private final ConfigAccess access;
    private final Entries entries;
    private final SecretAccess secrets;

    public GetEntry(ConfigAccess access, Entries entries, SecretAccess secrets) {
        this.access = access;
        this.entries = entries;
        this.secrets = secrets;
    }

    public Uni<Result<EntryView>> execute(Caller caller, GetEntryQuery query) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<EntryKey> parsed = ConfigInputs.entryKey(query.namespace(), query.key(), query.scope(), violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        EntryKey key = parsed.get();
        return access.authorizedInScope(caller, GetEffectiveConfig.ACTION,
                ConfigAccess.resourceOf(ConfigAccess.ENTRY, key.namespace(), key.scope()),
                connection -> entries.find(connection, key, false).map(found -> found
                        .<Result<io.aicunet.config.domain.Entry>>map(Result::ok)
                        .orElseGet(() -> Result.failed(new Problem.NotFound("entry", key.toString())))))
                .flatMap(result -> !result.isOk()
                        ? Uni.createFrom().item(Result.<EntryView>failed(result.problem()))
                        : secrets.decide(caller, SecretCipher.SealedSecret.of(key, result.value().value()).stream()
                                .toList()).map(reveal -> Result.ok(
                                EntryView.of(result.value(), reveal.show(key, result.value().value()))))
                                .onFailure(SecretAccess.RevealUnavailable.class)
                                .recoverWithItem(SecretAccess.RevealUnavailable::asResult));
    }
}
