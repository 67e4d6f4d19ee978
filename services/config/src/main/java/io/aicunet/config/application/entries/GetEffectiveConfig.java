package io.aicunet.config.application.entries;

import io.aicunet.config.application.access.ConfigAccess;
import io.aicunet.config.application.access.ConfigCommands.EffectiveConfigQuery;
import io.aicunet.config.application.access.ConfigInputs;
import io.aicunet.config.application.access.ConfigViews.EntryView;
import io.aicunet.config.application.port.EffectiveCache;
import io.aicunet.config.application.port.Entries;
import io.aicunet.config.application.port.SecretCipher;
import io.aicunet.config.application.secrets.SecretAccess;
import io.aicunet.config.application.watch.ChangeFeeds;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.config.domain.EffectiveConfig;
import io.aicunet.config.domain.Entry;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.TenantId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The configuration a (tenant, service) sees: the entries of every scope that reaches
 * it, merged so the most specific wins, each value naming its scope, with the
 * revision the answer is consistent with (watch after it to stay current).
 *
 * <p>Served from the Redis cache when the cached layers are at least as new as the
 * last change this replica knows of for the tenant or the platform level; otherwise
 * read from the database in one snapshot and cached.
 */
@ApplicationScoped
public class GetEffectiveConfig {

    public static final String ACTION = ConfigAccess.READ_ENTRIES;

    /** The merged values, the revision they are consistent with, and (when asked) every layer. */
    public record Effective(List<EntryView> values, long revision, List<EntryView> layers) {
    }

    private final ConfigAccess access;
    private final Entries entries;
    private final EffectiveCache cache;
    private final ChangeFeeds feeds;
    private final SecretAccess secrets;
    private final ConfigServiceConfig settings;
    private final Counter cacheHits;
    private final Counter cacheMisses;

    public GetEffectiveConfig(ConfigAccess access, Entries entries, EffectiveCache cache, ChangeFeeds feeds,
                              SecretAccess secrets, ConfigServiceConfig settings, MeterRegistry meters) {
        this.access = access;
        this.entries = entries;
        this.cache = cache;
        this.feeds = feeds;
        this.secrets = secrets;
        this.settings = settings;
        this.cacheHits = Counter.builder("aicunet.config.effective.cache").tag("result", "hit")
                .description("Effective configurations answered from the Redis cache").register(meters);
        this.cacheMisses = Counter.builder("aicunet.config.effective.cache").tag("result", "miss")
                .description("Effective configurations read from PostgreSQL (absent, stale or unreachable cache)")
                .register(meters);
    }

    public Uni<Result<Effective>> execute(Caller caller, EffectiveConfigQuery query) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<TenantId> tenant = ConfigInputs.optionalTenant("tenant_id", query.tenantId(), violations);
        Optional<String> service = ConfigInputs.optionalService("service", query.service(), violations);
        List<String> namespaces = ConfigInputs.namespaces("namespaces", query.namespaces(),
                settings.namespacesPerRequestMax(), violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        return access.authorized(caller, ACTION, ConfigAccess.resourceOf(ConfigAccess.ENTRY, "", tenant),
                        () -> layers(caller, tenant, service, namespaces))
                .flatMap(result -> result.isOk()
                        ? present(caller, result.value(), query.includeLayers()).map(Result::ok)
                                .onFailure(SecretAccess.RevealUnavailable.class)
                                .recoverWithItem(SecretAccess.RevealUnavailable::asResult)
                        : Uni.createFrom().item(Result.<Effective>failed(result.problem())));
    }

    private Uni<Result<Entries.Layers>> layers(Caller caller, Optional<TenantId> tenant, Optional<String> service,
                                               List<String> namespaces) {
        long required = feeds.primary().requiredRevision(tenant);
        return cache.get(tenant, service, namespaces).flatMap(cached -> {
            if (cached.isPresent() && cached.get().revision() >= required) {
                cacheHits.increment();
                return Uni.createFrom().item(Result.ok(cached.get()));
            }
            cacheMisses.increment();
            int max = settings.effectiveEntriesMax();
            return access.inScope(caller, connection -> entries.layers(connection, tenant, service, namespaces, max + 1)
                            .map(Result::ok))
                    .flatMap(read -> {
                        Entries.Layers layers = read.value();
                        if (layers.entries().size() > max) {
                            return Uni.createFrom().item(Result.<Entries.Layers>failed(new Problem.FailedPrecondition(
                                    "TOO_MANY_ENTRIES", "effective configuration",
                                    "more than " + max + " entries reach this tenant and service;"
                                            + " ask for fewer namespaces")));
                        }
                        return cache.put(tenant, service, namespaces, layers).replaceWith(Result.ok(layers));
                    });
        });
    }

    private Uni<Effective> present(Caller caller, Entries.Layers layers, boolean includeLayers) {
        List<Entry> merged = EffectiveConfig.merge(layers.entries());
        List<Entry> shown = includeLayers ? layers.entries() : merged;
        List<SecretCipher.SealedSecret> sealed = shown.stream()
                .flatMap(e -> SecretCipher.SealedSecret.of(e.key(), e.value()).stream()).toList();
        return secrets.decide(caller, sealed).map(reveal -> new Effective(
                merged.stream().map(e -> EntryView.of(e, reveal.show(e.key(), e.value()))).toList(),
                layers.revision(),
                includeLayers
                        ? layers.entries().stream().map(e -> EntryView.of(e, reveal.show(e.key(), e.value()))).toList()
                        : List.of()));
    }
}
