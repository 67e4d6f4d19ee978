package io.aicunet.config.application.entries;

import io.aicunet.config.application.access.ConfigAccess;
import io.aicunet.config.application.access.ConfigCommands.DiffRevisionsQuery;
import io.aicunet.config.application.access.ConfigInputs;
import io.aicunet.config.application.access.ConfigViews.ValueView;
import io.aicunet.config.application.port.Entries;
import io.aicunet.config.application.port.SecretCipher;
import io.aicunet.config.application.secrets.SecretAccess;
import io.aicunet.config.application.watch.WatchChanges;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.domain.ConfigRules;
import io.aicunet.config.domain.EntryKey;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What changed between two revisions: each entry changed in (from, to] with its state
 * at {@code from} and at {@code to} (empty where it did not exist). Entries that
 * changed and changed back are left out.
 */
@ApplicationScoped
public class DiffRevisions {

    /** One entry's state at both ends; a side is empty when the entry did not exist there. */
    public record EntryDiff(EntryKey key, Optional<ValueView> before, long beforeRevision, Optional<ValueView> after,
                            long afterRevision) {
    }

    private final ConfigAccess access;
    private final Entries entries;
    private final SecretAccess secrets;
    private final ConfigServiceConfig settings;

    public DiffRevisions(ConfigAccess access, Entries entries, SecretAccess secrets, ConfigServiceConfig settings) {
        this.access = access;
        this.entries = entries;
        this.secrets = secrets;
        this.settings = settings;
    }

    public Uni<Result<List<EntryDiff>>> execute(Caller caller, DiffRevisionsQuery query) {
        List<FieldViolation> violations = new ArrayList<>();
        if (query.fromRevision() < 0) {
            violations.add(new FieldViolation("from_revision", "must be 0 or more"));
        }
        if (query.toRevision() <= query.fromRevision()) {
            violations.add(new FieldViolation("to_revision", "must be greater than from_revision"));
        }
        Optional<TenantId> tenant = ConfigInputs.optionalTenant("tenant_id", query.tenantId(), violations);
        Optional<String> namespace = Optional.ofNullable(query.namespace()).filter(n -> !n.isEmpty());
        namespace.ifPresent(n -> ConfigInputs.check("namespace", ConfigRules.namespaceProblem(n), violations));
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        Entries.RevisionFilter filter = new Entries.RevisionFilter(tenant, false, Optional.empty(),
                namespace.map(List::of).orElse(List.of()));
        int max = settings.diffEntriesMax();
        return access.authorizedInScope(caller, GetEffectiveConfig.ACTION,
                        ConfigAccess.resourceOf(ConfigAccess.ENTRY, namespace.orElse(""), tenant),
                        connection -> entries.state(connection).flatMap(state -> {
                            if (query.toRevision() > state.head()) {
                                return Uni.createFrom().item(Result.<List<Entries.EntryChange>>failed(
                                        new Problem.NotFound("revision", Long.toString(query.toRevision()))));
                            }
                            if (query.fromRevision() < state.compacted()) {
                                return Uni.createFrom().item(Result.<List<Entries.EntryChange>>failed(
                                        new Problem.FailedPrecondition(WatchChanges.REVISION_COMPACTED,
                                                "from_revision " + query.fromRevision(),
                                                "revisions up to " + state.compacted() + " were compacted")));
                            }
                            return entries.changesBetween(connection, query.fromRevision(), query.toRevision(),
                                    filter, max + 1).map(changes -> changes.size() > max
                                    ? Result.<List<Entries.EntryChange>>failed(new Problem.FailedPrecondition(
                                            "DIFF_TOO_LARGE", "revisions " + query.fromRevision() + ".."
                                            + query.toRevision(), "more than " + max + " entries changed;"
                                            + " narrow the range or name a namespace"))
                                    : Result.ok(changes));
                        }))
                .flatMap(result -> {
                    if (!result.isOk()) {
                        return Uni.createFrom().item(Result.<List<EntryDiff>>failed(result.problem()));
                    }
                    List<Entries.EntryChange> changes = result.value().stream().filter(DiffRevisions::differs).toList();
                    List<SecretCipher.SealedSecret> sealed = new ArrayList<>();
                    for (Entries.EntryChange change : changes) {
                        sealedOf(change.key(), Optional.of(change.after()), sealed);
                        sealedOf(change.key(), change.before(), sealed);
                    }
                    return secrets.decide(caller, sealed).map(reveal -> Result.ok(changes.stream()
                            .map(c -> new EntryDiff(c.key(),
                                    c.before().flatMap(r -> r.value().map(v -> reveal.show(c.key(), v))),
                                    c.before().filter(r -> r.value().isPresent()).map(ConfigRevision::revision)
                                            .orElse(0L),
                                    c.after().value().map(v -> reveal.show(c.key(), v)),
                                    c.after().value().isPresent() ? c.after().revision() : 0L))
                            .toList())).onFailure(SecretAccess.RevealUnavailable.class)
                            .recoverWithItem(SecretAccess.RevealUnavailable::asResult);
                });
    }

    private static boolean differs(Entries.EntryChange change) {
        return !change.before().flatMap(ConfigRevision::value).equals(change.after().value());
    }

    private static void sealedOf(EntryKey key, Optional<ConfigRevision> revision,
                                 List<SecretCipher.SealedSecret> sealed) {
        revision.flatMap(ConfigRevision::value).flatMap(v -> SecretCipher.SealedSecret.of(key, v))
                .ifPresent(sealed::add);
    }
}
