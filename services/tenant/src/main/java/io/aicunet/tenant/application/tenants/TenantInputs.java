package io.aicunet.tenant.application.tenants;

import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.tenant.application.tenants.TenantCommands.CreateTenantCommand;
import io.aicunet.tenant.application.tenants.TenantCommands.QuotasInput;
import io.aicunet.tenant.application.tenants.TenantCommands.RetentionInput;
import io.aicunet.tenant.application.tenants.TenantCommands.UpdateTenantCommand;
import io.aicunet.platform.privacy.DataClass;
import io.aicunet.tenant.domain.Quotas;
import io.aicunet.tenant.domain.Retention;
import io.aicunet.tenant.domain.TenantRules;
import io.aicunet.tenant.domain.TenantSettings;
import io.aicunet.tenant.domain.TenantStatus;
import io.aicunet.tenant.domain.Tier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Turns raw commands into validated domain values, naming every field that is wrong. */
final class TenantInputs {

    private TenantInputs() {
    }

    /** A validated request for a new tenant. */
    record NewTenant(String slug, String region, TenantSettings settings) {
    }

    /** A validated change of settings; what it does not name stays. */
    record SettingsChange(Optional<String> displayName, Optional<Tier> tier, Optional<Quotas> quotas,
                          Map<DataClass, Integer> retention) {

        TenantSettings applyTo(TenantSettings current) {
            return new TenantSettings(
                    displayName.orElse(current.displayName()),
                    tier.orElse(current.tier()),
                    quotas.orElse(current.quotas()),
                    current.retention().with(retention));
        }
    }

    static Result<NewTenant> newTenant(CreateTenantCommand command, Set<String> regions) {
        List<FieldViolation> violations = new ArrayList<>();
        TenantRules.checkIdempotencyKey(command.idempotencyKey(), violations);
        TenantRules.checkSlug(command.slug(), violations);
        TenantRules.checkDisplayName(command.displayName(), violations);
        TenantRules.checkRegion(command.region(), regions, violations);
        Optional<Tier> tier = tier(command.tier(), violations);
        if (tier.isEmpty() && command.tier() == null) {
            violations.add(new FieldViolation("tier", "is required: one of " + wireNames(Tier.values())));
        }
        Optional<Quotas> quotas = command.quotas().flatMap(q -> quotas(q, violations));
        Map<DataClass, Integer> retention = retention(command.retention(), violations);
        if (!violations.isEmpty()) {
            return Result.failed(new Problem.InvalidArgument(violations));
        }
        Tier chosen = tier.orElseThrow();
        return Result.ok(new NewTenant(command.slug(), command.region(), new TenantSettings(
                command.displayName().trim(),
                chosen,
                quotas.orElse(chosen.defaultQuotas()),
                Retention.defaults().with(retention))));
    }

    static Result<SettingsChange> settingsChange(UpdateTenantCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        command.displayName().ifPresent(name -> TenantRules.checkDisplayName(name, violations));
        Optional<Tier> tier = command.tier().flatMap(t -> tier(t, violations));
        Optional<Quotas> quotas = command.quotas().flatMap(q -> quotas(q, violations));
        Map<DataClass, Integer> retention = retention(command.retention(), violations);
        if (command.expectedVersion().isPresent() && command.expectedVersion().getAsLong() < 1) {
            violations.add(new FieldViolation("expected_version", "must be 1 or more"));
        }
        if (!violations.isEmpty()) {
            return Result.failed(new Problem.InvalidArgument(violations));
        }
        return Result.ok(new SettingsChange(command.displayName().map(String::trim), tier, quotas, retention));
    }

    static Optional<TenantStatus> status(String wireName, List<FieldViolation> violations) {
        return enumValue(TenantStatus.class, "status", wireName, violations);
    }

    private static Optional<Tier> tier(String wireName, List<FieldViolation> violations) {
        return enumValue(Tier.class, "tier", wireName, violations);
    }

    private static <E extends Enum<E>> Optional<E> enumValue(
            Class<E> type, String field, String wireName, List<FieldViolation> violations) {
        if (wireName == null) {
            return Optional.empty();
        }
        for (E value : type.getEnumConstants()) {
            if (value.name().toLowerCase(Locale.ROOT).equals(wireName)) {
                return Optional.of(value);
            }
        }
        violations.add(new FieldViolation(field, "must be one of " + wireNames(type.getEnumConstants())));
        return Optional.empty();
    }

    private static Optional<Quotas> quotas(QuotasInput input, List<FieldViolation> violations) {
        int before = violations.size();
        TenantRules.checkQuotas(input.requestsPerMinute(), input.tokensPerDay(), input.storageBytes(), violations);
        return violations.size() == before
                ? Optional.of(new Quotas(input.requestsPerMinute(), input.tokensPerDay(), input.storageBytes()))
                : Optional.empty();
    }

    private static Map<DataClass, Integer> retention(List<RetentionInput> inputs, List<FieldViolation> violations) {
        Map<DataClass, Integer> periods = new EnumMap<>(DataClass.class);
        for (int i = 0; i < inputs.size(); i++) {
            RetentionInput input = inputs.get(i);
            Optional<DataClass> dataClass = DataClass.fromWireName(input.dataClass());
            if (dataClass.isEmpty()) {
                violations.add(new FieldViolation("retention[" + i + "].data_class",
                        "must be one of " + wireNames(DataClass.values())));
            } else if (periods.containsKey(dataClass.get())) {
                violations.add(new FieldViolation("retention[" + i + "].data_class",
                        "names " + input.dataClass() + " a second time"));
            }
            TenantRules.checkRetentionDays(i, input.days(), violations);
            dataClass.ifPresent(d -> periods.putIfAbsent(d, input.days()));
        }
        return periods;
    }

    private static List<String> wireNames(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
    }
}
