package io.aicunet.config.application.namespaces;

import io.aicunet.config.application.access.ConfigAccess;
import io.aicunet.config.application.access.ConfigCommands.CreateNamespaceCommand;
import io.aicunet.config.application.access.ConfigInputs;
import io.aicunet.config.application.contract.ConfigEvents;
import io.aicunet.config.application.port.Namespaces;
import io.aicunet.config.application.port.Namespaces.NamespaceRecord;
import io.aicunet.config.application.port.Namespaces.SchemaRecord;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.config.domain.ConfigRules;
import io.aicunet.platform.outbox.Outbox;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Registers a namespace, with its first JSON Schema when one is given. */
@ApplicationScoped
public class CreateNamespace {

    private final ConfigAccess access;
    private final Namespaces namespaces;
    private final JsonSchemas schemas;
    private final Outbox outbox;
    private final ConfigServiceConfig settings;

    public CreateNamespace(ConfigAccess access, Namespaces namespaces, JsonSchemas schemas, Outbox outbox,
                           ConfigServiceConfig settings) {
        this.access = access;
        this.namespaces = namespaces;
        this.schemas = schemas;
        this.outbox = outbox;
        this.settings = settings;
    }

    public Uni<Result<NamespaceRecord>> execute(Caller caller, CreateNamespaceCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        ConfigInputs.check("namespace", ConfigRules.namespaceProblem(command.namespace()), violations);
        String description = command.description() == null ? "" : command.description().trim();
        // Checked as sent: trim() would quietly drop a NUL or another control character at either end.
        ConfigInputs.check("description", ConfigRules.descriptionProblem(command.description()), violations);
        Optional<String> schema = Optional.ofNullable(command.schemaJson()).filter(s -> !s.isBlank());
        schema.ifPresent(s -> violations.addAll(RegisterSchema.checkSchema(schemas, command.schemaField(), s,
                settings.schemaBytesMax())));
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        NamespaceRecord created = new NamespaceRecord(command.namespace(), description, schema.isPresent() ? 1 : 0,
                schema, caller.subject(), now);
        return access.authorizedInScope(caller, NamespaceAccess.WRITE, NamespaceAccess.forWriting(command.namespace()),
                connection -> namespaces.insert(connection, created).flatMap(inserted -> {
                    if (!inserted) {
                        return Uni.createFrom().item(Result.<NamespaceRecord>failed(new Problem.Conflict(
                                "NAMESPACE_EXISTS", "namespace " + command.namespace() + " exists")));
                    }
                    Uni<Void> firstSchema = schema.isPresent()
                            ? namespaces.insertSchema(connection, new SchemaRecord(command.namespace(), 1,
                                    schema.get(), caller.subject(), now))
                            : Uni.createFrom().voidItem();
                    return firstSchema
                            .flatMap(ignored -> outbox.append(connection, outbox.event(ConfigEvents.TOPIC,
                                    ConfigEvents.PLATFORM_KEY, command.namespace(),
                                    ConfigEvents.namespaceCreated(created))))
                            .map(ignored -> Result.ok(created));
                }));
    }
}
