package io.aicunet.config.application.entries;

import io.aicunet.config.application.access.ConfigAccess;
import io.aicunet.config.application.access.ConfigCommands.ListRevisionsQuery;
import io.aicunet.config.application.access.ConfigInputs;
import io.aicunet.config.application.access.ConfigViews.RevisionView;
import io.aicunet.config.application.port.Entries;
import io.aicunet.config.application.port.SecretCipher;
import io.aicunet.config.application.secrets.SecretAccess;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.config.domain.ConfigRevision;
import io.aicunet.config.domain.ConfigRules;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The history: revisions newest first, with author and reason, a page at a time.
 * The page token is the last revision of the previous page, so pages stay stable
 * while new revisions arrive.
 */
@ApplicationScoped
public class ListRevisions {

    /** One page; {@code nextPageToken} is empty on the last. */
    public record Page(List<RevisionView> revisions, String nextPageToken) {
    }

    private final ConfigAccess access;
    private final Entries entries;
    private final SecretAccess secrets;
    private final ConfigServiceConfig settings;

    public ListRevisions(ConfigAccess access, Entries entries, SecretAccess secrets, ConfigServiceConfig settings) {
        this.access = access;
        this.entries = entries;
        this.secrets = secrets;
        this.settings = settings;
    }

    public Uni<Result<Page>> execute(Caller caller, ListRevisionsQuery query) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<TenantId> tenant = ConfigInputs.optionalTenant("tenant_id", query.tenantId(), violations);
        Optional<String> namespace = Optional.ofNullable(query.namespace()).filter(n -> !n.isEmpty());
        namespace.ifPresent(n -> ConfigInputs.check("namespace", ConfigRules.namespaceProblem(n), violations));
        Optional<String> key = Optional.ofNullable(query.key()).filter(k -> !k.isEmpty());
        key.ifPresent(k -> ConfigInputs.check("key", ConfigRules.keyProblem(k), violations));
        if (key.isPresent() && namespace.isEmpty()) {
            violations.add(new FieldViolation("namespace", "is required with key"));
        }
        int pageSize = query.pageSize() == 0 ? settings.pageSizeDefault() : query.pageSize();
        if (pageSize < 1 || pageSize > settings.pageSizeMax()) {
            violations.add(new FieldViolation("page_size", "must be 1 to " + settings.pageSizeMax()));
        }
        long before = decode(query.pageToken(), violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        Entries.RevisionFilter filter = new Entries.RevisionFilter(tenant, false, Optional.empty(),
                namespace.map(List::of).orElse(List.of()));
        return access.authorizedInScope(caller, GetEffectiveConfig.ACTION,
                        ConfigAccess.resourceOf(ConfigAccess.ENTRY, namespace.orElse(""), tenant),
                        connection -> entries.revisionsBefore(connection, before, filter, key, pageSize + 1)
                                .map(Result::ok))
                .flatMap(result -> {
                    if (!result.isOk()) {
                        return Uni.createFrom().item(Result.<Page>failed(result.problem()));
                    }
                    List<ConfigRevision> found = result.value();
                    boolean more = found.size() > pageSize;
                    List<ConfigRevision> page = more ? found.subList(0, pageSize) : found;
                    String next = more ? encode(page.get(page.size() - 1).revision()) : "";
                    List<SecretCipher.SealedSecret> sealed = page.stream().flatMap(r -> r.value().stream()
                            .flatMap(v -> SecretCipher.SealedSecret.of(r.key(), v).stream())).toList();
                    return secrets.decide(caller, sealed).map(reveal -> Result.ok(new Page(
                            page.stream().map(r -> new RevisionView(r, r.value().map(v -> reveal.show(r.key(), v))))
                                    .toList(),
                            next))).onFailure(SecretAccess.RevealUnavailable.class)
                            .recoverWithItem(SecretAccess.RevealUnavailable::asResult);
                });
    }

    private static String encode(long revision) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("r" + revision).getBytes(StandardCharsets.UTF_8));
    }

    private static long decode(String token, List<FieldViolation> violations) {
        if (token == null || token.isEmpty()) {
            return Long.MAX_VALUE;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith("r")) {
                long revision = Long.parseLong(text.substring(1));
                if (revision > 0) {
                    return revision;
                }
            }
        } catch (IllegalArgumentException notOurs) {
            // reported below
        }
        violations.add(new FieldViolation("page_token", "is not a token this service issued"));
        return Long.MAX_VALUE;
    }
}
