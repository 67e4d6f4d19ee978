package io.aicunet.config.application.namespaces;

import io.aicunet.config.application.access.ConfigAccess;
import io.aicunet.config.application.access.ConfigCommands.GetNamespaceQuery;
import io.aicunet.config.application.access.ConfigCommands.GetSchemaQuery;
import io.aicunet.config.application.access.ConfigInputs;
import io.aicunet.config.application.port.Namespaces;
import io.aicunet.config.application.port.Namespaces.NamespaceRecord;
import io.aicunet.config.application.port.Namespaces.SchemaRecord;
import io.aicunet.config.domain.ConfigRules;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Problem.FieldViolation;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Reads a namespace, or one version of its schema (0: the latest). */
@ApplicationScoped
public class GetNamespace {

    private final ConfigAccess access;
    private final Namespaces namespaces;

    public GetNamespace(ConfigAccess access, Namespaces namespaces) {
        this.access = access;
        this.namespaces = namespaces;
    }

    public Uni<Result<NamespaceRecord>> execute(Caller caller, GetNamespaceQuery query) {
        String problem = ConfigRules.namespaceProblem(query.namespace());
        if (problem != null) {
            return Uni.createFrom().item(Result.failed(Problem.InvalidArgument.of("namespace", problem)));
        }
        return access.authorizedInScope(caller, NamespaceAccess.READ, NamespaceAccess.forReading(caller, query.namespace()),
                connection -> namespaces.find(connection, query.namespace(), Namespaces.LockMode.NONE)
                        .map(found -> found.<Result<NamespaceRecord>>map(Result::ok).orElseGet(() ->
                                Result.failed(new Problem.NotFound("namespace", query.namespace())))));
    }

    public Uni<Result<SchemaRecord>> schema(Caller caller, GetSchemaQuery query) {
        List<FieldViolation> violations = new ArrayList<>();
        ConfigInputs.check("namespace", ConfigRules.namespaceProblem(query.namespace()), violations);
        if (query.version() < 0) {
            violations.add(new FieldViolation("version", "must be 0 (latest) or a version"));
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        return access.authorizedInScope(caller, NamespaceAccess.READ, NamespaceAccess.forReading(caller, query.namespace()),
                connection -> namespaces.findSchema(connection, query.namespace(), query.version())
                        .map(found -> found.<Result<SchemaRecord>>map(Result::ok).orElseGet(() ->
                                Result.failed(new Problem.NotFound("schema", query.namespace()
                                        + (query.version() == 0 ? " (any version)" : " v" + query.version()))))));
    }
}
