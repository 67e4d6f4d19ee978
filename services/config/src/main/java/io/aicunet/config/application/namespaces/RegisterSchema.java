package io.aicunet.config.application.namespaces;

import com.fasterxml.jackson.databind.JsonNode;
import io.aicunet.config.application.access.ConfigAccess;
import io.aicunet.config.application.access.ConfigCommands.RegisterSchemaCommand;
import io.aicunet.config.application.access.ConfigInputs;
import io.aicunet.config.application.contract.ConfigEvents;
import io.aicunet.config.application.port.Entries;
import io.aicunet.config.application.port.Namespaces;
import io.aicunet.config.application.port.Namespaces.SchemaRecord;
import io.aicunet.config.application.port.SecretCipher;
import io.aicunet.config.application.secrets.SecretAccess;
import io.aicunet.config.config.ConfigServiceConfig;
import io.aicunet.config.domain.ConfigRules;
import io.aicunet.config.domain.Entry;
import io.aicunet.config.domain.StoredValue;
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

/**
 * Adds the next version of a namespace's JSON Schema. Refused when any current entry
 * of the namespace (any scope, any tenant) violates it, naming entry and path: a new
 * schema never makes stored configuration invalid. The namespace row is locked for
 * update meanwhile, so no entry write can slip in between check and commit.
 */
@ApplicationScoped
public class RegisterSchema {

    private final ConfigAccess access;
    private final Namespaces namespaces;
    private final Entries entries;
    private final JsonSchemas schemas;
    private final SecretCipher cipher;
    private final Outbox outbox;
    private final ConfigServiceConfig settings;

    public RegisterSchema(ConfigAccess access, Namespaces namespaces, Entries entries, JsonSchemas schemas,
                          SecretCipher cipher, Outbox outbox, ConfigServiceConfig settings) {
        this.access = access;
        this.namespaces = namespaces;
        this.entries = entries;
        this.schemas = schemas;
        this.cipher = cipher;
        this.outbox = outbox;
        this.settings = settings;
    }

    static List<FieldViolation> checkSchema(JsonSchemas schemas, String field, String schemaJson, int schemaBytesMax) {
        String sizeProblem = ConfigRules.valueSizeProblem(schemaJson, schemaBytesMax);
        return sizeProblem != null
                ? List.of(new FieldViolation(field, sizeProblem))
                : schemas.checkSchema(field, schemaJson);
    }

    public Uni<Result<SchemaRecord>> execute(Caller caller, RegisterSchemaCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        ConfigInputs.check("namespace", ConfigRules.namespaceProblem(command.namespace()), violations);
        if (command.schemaJson() == null || command.schemaJson().isBlank()) {
            violations.add(new FieldViolation(command.schemaField(), "is required: a JSON Schema"));
        } else {
            violations.addAll(checkSchema(schemas, command.schemaField(), command.schemaJson(),
                    settings.schemaBytesMax()));
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        int max = settings.schemaCheckEntriesMax();
        return access.authorizedInScope(caller, NamespaceAccess.WRITE, NamespaceAccess.forWriting(command.namespace()),
                connection -> namespaces.find(connection, command.namespace(), Namespaces.LockMode.UPDATE)
                        .flatMap(namespace -> {
                            if (namespace.isEmpty()) {
                                return Uni.createFrom().item(Result.<SchemaRecord>failed(
                                        new Problem.NotFound("namespace", command.namespace())));
                            }
                            return entries.inNamespace(connection, command.namespace(), max + 1).flatMap(current -> {
                                if (current.size() > max) {
                                    return Uni.createFrom().item(Result.<SchemaRecord>failed(
                                            new Problem.FailedPrecondition("TOO_MANY_ENTRIES",
                                                    "namespace " + command.namespace(), "more than " + max
                                                    + " entries would have to be checked against the new schema")));
                                }
                                List<SecretCipher.SealedSecret> sealed = current.stream().flatMap(entry ->
                                        SecretCipher.SealedSecret.of(entry.key(), entry.value()).stream()).toList();
                                return (sealed.isEmpty() ? Uni.createFrom().<SecretCipher.SecretKeys>nullItem()
                                        : cipher.keysFor(sealed).onFailure().transform(SecretAccess.RevealUnavailable::new))
                                        .flatMap(keys -> {
                                List<FieldViolation> rejected = violationsOf(command.schemaField(),
                                        command.schemaJson(), current, keys);
                                if (!rejected.isEmpty()) {
                                    return Uni.createFrom().item(Result.<SchemaRecord>failed(
                                            new Problem.InvalidArgument(rejected)));
                                }
                                SchemaRecord schema = new SchemaRecord(command.namespace(),
                                        namespace.get().schemaVersion() + 1, command.schemaJson(), caller.subject(),
                                        Instant.now().truncatedTo(ChronoUnit.MICROS));
                                return namespaces.insertSchema(connection, schema)
                                        .flatMap(ignored -> outbox.append(connection, outbox.event(ConfigEvents.TOPIC,
                                                ConfigEvents.PLATFORM_KEY, command.namespace(),
                                                ConfigEvents.schemaRegistered(schema))))
                                        .map(ignored -> Result.ok(schema));
                                        });
                            });
                        }))
                .onFailure(SecretAccess.RevealUnavailable.class).recoverWithItem(SecretAccess.RevealUnavailable::asResult);
    }

    /**
     * Every current entry the new schema would reject, as violations of schema_json naming
     * entry and path. A secret whose tenant key was destroyed cannot be read by anyone
     * again and waits for its tenant's erasure to delete it; it is not checked.
     */
    private List<FieldViolation> violationsOf(String field, String schemaJson, List<Entry> current,
                                              SecretCipher.SecretKeys keys) {
        List<FieldViolation> rejected = new ArrayList<>();
        java.util.function.Function<JsonNode, List<FieldViolation>> validator = schemas.validator(schemaJson, "value");
        for (Entry entry : current) {
            String json;
            if (entry.value() instanceof StoredValue.Sealed sealed) {
                if (!(keys.open(entry.key(), sealed) instanceof SecretCipher.Opened.Clear clear)) {
                    continue;
                }
                json = clear.json();
            } else {
                json = ((StoredValue.Plain) entry.value()).json();
            }
            JsonNode value = schemas.parse("value", json, new ArrayList<>()).orElseThrow(
                    () -> new IllegalStateException("entry " + entry.key() + " holds no JSON"));
            for (FieldViolation violation : validator.apply(value)) {
                rejected.add(new FieldViolation(field, "existing entry " + entry.key() + " would be invalid at "
                        + violation.field() + ": " + violation.description()));
            }
        }
        return rejected;
    }
}
