package io.aicunet.config.application.entries;

import com.fasterxml.jackson.databind.JsonNode;
import io.aicunet.config.application.access.ConfigCommands.PutEntryCommand;
import io.aicunet.config.application.access.ConfigInputs;
import io.aicunet.config.application.namespaces.JsonSchemas;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.config.domain.ConfigRules;
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

/**
 * Writes an entry's value at a scope: valid JSON, at most the configured size,
 * valid against the namespace's latest schema (violations name each failing JSON
 * path), and, with an expected revision, only if the entry is still at it.
 */
@ApplicationScoped
public class PutEntry {

    public static final String ACTION = EntryWrites.ACTION;

    private final EntryWrites writes;
    private final JsonSchemas schemas;
    private final ConfigServiceConfig settings;

    public PutEntry(EntryWrites writes, JsonSchemas schemas, ConfigServiceConfig settings) {
        this.writes = writes;
        this.schemas = schemas;
        this.settings = settings;
    }

    public Uni<Result<EntryWrites.Written>> execute(Caller caller, PutEntryCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<EntryKey> key = ConfigInputs.entryKey(command.namespace(), command.key(), command.scope(), violations);
        ConfigInputs.check("reason", ConfigRules.reasonProblem(command.reason()), violations);
        if (command.expectedRevision().isPresent() && command.expectedRevision().getAsLong() < 0) {
            violations.add(new FieldViolation("expected_revision", "must be 0 (absent) or a revision"));
        }
        Optional<JsonNode> value = Optional.empty();
        String sizeProblem = command.valueJson() == null ? null
                : ConfigRules.valueSizeProblem(command.valueJson(), settings.valueBytesMax());
        if (sizeProblem != null) {
            violations.add(new FieldViolation(command.valueField(), sizeProblem));
        } else {
            value = schemas.parse(command.valueField(), command.valueJson(), violations);
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        return writes.write(caller, key.get(), command.expectedRevision(), command.reason(),
                new EntryWrites.Put(value.get(), command.secret(), command.valueField()));
    }
}
