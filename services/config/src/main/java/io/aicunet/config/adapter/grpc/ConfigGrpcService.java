package io.aicunet.config.adapter.grpc;

import io.aicunet.config.application.access.ConfigCommands.CompactRevisionsCommand;
import io.aicunet.config.application.access.ConfigCommands.CreateNamespaceCommand;
import io.aicunet.config.application.access.ConfigCommands.DeleteEntryCommand;
import io.aicunet.config.application.access.ConfigCommands.DiffRevisionsQuery;
import io.aicunet.config.application.access.ConfigCommands.EffectiveConfigQuery;
import io.aicunet.config.application.access.ConfigCommands.GetEntryQuery;
import io.aicunet.config.application.access.ConfigCommands.GetNamespaceQuery;
import io.aicunet.config.application.access.ConfigCommands.GetSchemaQuery;
import io.aicunet.config.application.access.ConfigCommands.ListRevisionsQuery;
import io.aicunet.config.application.access.ConfigCommands.PutEntryCommand;
import io.aicunet.config.application.access.ConfigCommands.RegisterSchemaCommand;
import io.aicunet.config.application.access.ConfigCommands.RollbackEntryCommand;
import io.aicunet.config.application.access.ConfigCommands.WatchQuery;
import io.aicunet.config.application.contract.ConfigEvents;
import io.aicunet.config.application.contract.ConfigProtos;
import io.aicunet.config.application.entries.DeleteEntry;
import io.aicunet.config.application.entries.DiffRevisions;
import io.aicunet.config.application.entries.GetEffectiveConfig;
import io.aicunet.config.application.entries.GetEntry;
import io.aicunet.config.application.entries.ListRevisions;
import io.aicunet.config.application.entries.PutEntry;
import io.aicunet.config.application.entries.RollbackEntry;
import io.aicunet.config.application.namespaces.CreateNamespace;
import io.aicunet.config.application.namespaces.GetNamespace;
import io.aicunet.config.application.namespaces.RegisterSchema;
import io.aicunet.config.application.retention.CompactRevisions;
import io.aicunet.config.application.watch.WatchChanges;
import io.aicunet.contracts.config.v1.CompactRevisionsRequest;
import io.aicunet.contracts.config.v1.CompactRevisionsResponse;
import io.aicunet.contracts.config.v1.ConfigService;
import io.aicunet.contracts.config.v1.CreateNamespaceRequest;
import io.aicunet.contracts.config.v1.CreateNamespaceResponse;
import io.aicunet.contracts.config.v1.DeleteEntryRequest;
import io.aicunet.contracts.config.v1.DeleteEntryResponse;
import io.aicunet.contracts.config.v1.DiffRevisionsRequest;
import io.aicunet.contracts.config.v1.DiffRevisionsResponse;
import io.aicunet.contracts.config.v1.EntryDiff;
import io.aicunet.contracts.config.v1.GetEffectiveConfigRequest;
import io.aicunet.contracts.config.v1.GetEffectiveConfigResponse;
import io.aicunet.contracts.config.v1.GetEntryRequest;
import io.aicunet.contracts.config.v1.GetEntryResponse;
import io.aicunet.contracts.config.v1.GetNamespaceRequest;
import io.aicunet.contracts.config.v1.GetNamespaceResponse;
import io.aicunet.contracts.config.v1.GetSchemaRequest;
import io.aicunet.contracts.config.v1.GetSchemaResponse;
import io.aicunet.contracts.config.v1.ListRevisionsRequest;
import io.aicunet.contracts.config.v1.ListRevisionsResponse;
import io.aicunet.contracts.config.v1.PutEntryRequest;
import io.aicunet.contracts.config.v1.PutEntryResponse;
import io.aicunet.contracts.config.v1.RegisterSchemaRequest;
import io.aicunet.contracts.config.v1.RegisterSchemaResponse;
import io.aicunet.contracts.config.v1.RollbackEntryRequest;
import io.aicunet.contracts.config.v1.RollbackEntryResponse;
import io.aicunet.contracts.config.v1.WatchRequest;
import io.aicunet.contracts.config.v1.WatchResponse;
import io.aicunet.platform.problem.GrpcProblems;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.GrpcCallers;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.OptionalLong;
import java.util.UUID;
import org.jboss.logging.Logger;

/** ConfigService over gRPC: translates messages to commands and results to responses. */
@GrpcService
public class ConfigGrpcService implements ConfigService {

    private static final Logger LOG = Logger.getLogger(ConfigGrpcService.class);
    private static final String VALUE_FIELD = "value_json";
    private static final String SCHEMA_FIELD = "schema_json";

    private final CreateNamespace createNamespace;
    private final GetNamespace getNamespace;
    private final RegisterSchema registerSchema;
    private final PutEntry putEntry;
    private final DeleteEntry deleteEntry;
    private final GetEntry getEntry;
    private final RollbackEntry rollbackEntry;
    private final GetEffectiveConfig getEffectiveConfig;
    private final ListRevisions listRevisions;
    private final DiffRevisions diffRevisions;
    private final CompactRevisions compactRevisions;
    private final WatchChanges watchChanges;

    public ConfigGrpcService(CreateNamespace createNamespace, GetNamespace getNamespace, RegisterSchema registerSchema,
                             PutEntry putEntry, DeleteEntry deleteEntry, GetEntry getEntry,
                             RollbackEntry rollbackEntry, GetEffectiveConfig getEffectiveConfig,
                             ListRevisions listRevisions, DiffRevisions diffRevisions,
                             CompactRevisions compactRevisions, WatchChanges watchChanges) {
        this.createNamespace = createNamespace;
        this.getNamespace = getNamespace;
        this.registerSchema = registerSchema;
        this.putEntry = putEntry;
        this.deleteEntry = deleteEntry;
        this.getEntry = getEntry;
        this.rollbackEntry = rollbackEntry;
        this.getEffectiveConfig = getEffectiveConfig;
        this.listRevisions = listRevisions;
        this.diffRevisions = diffRevisions;
        this.compactRevisions = compactRevisions;
        this.watchChanges = watchChanges;
    }

    @Override
    public Uni<CreateNamespaceResponse> createNamespace(CreateNamespaceRequest request) {
        CreateNamespaceCommand command = new CreateNamespaceCommand(request.getNamespace(), request.getDescription(),
                request.getSchemaJson(), SCHEMA_FIELD);
        return GrpcCallers.serve(caller -> createNamespace.execute(caller, command),
                created -> CreateNamespaceResponse.newBuilder().setNamespace(ConfigProtos.namespace(created)).build());
    }

    @Override
    public Uni<GetNamespaceResponse> getNamespace(GetNamespaceRequest request) {
        return GrpcCallers.serve(caller -> getNamespace.execute(caller, new GetNamespaceQuery(request.getNamespace())),
                found -> GetNamespaceResponse.newBuilder().setNamespace(ConfigProtos.namespace(found)).build());
    }

    @Override
    public Uni<RegisterSchemaResponse> registerSchema(RegisterSchemaRequest request) {
        RegisterSchemaCommand command = new RegisterSchemaCommand(request.getNamespace(), request.getSchemaJson(),
                SCHEMA_FIELD);
        return GrpcCallers.serve(caller -> registerSchema.execute(caller, command),
                schema -> RegisterSchemaResponse.newBuilder().setSchema(ConfigProtos.schema(schema)).build());
    }

    @Override
    public Uni<GetSchemaResponse> getSchema(GetSchemaRequest request) {
        GetSchemaQuery query = new GetSchemaQuery(request.getNamespace(), request.getVersion());
        return GrpcCallers.serve(caller -> getNamespace.schema(caller, query),
                schema -> GetSchemaResponse.newBuilder().setSchema(ConfigProtos.schema(schema)).build());
    }

    @Override
    public Uni<PutEntryResponse> putEntry(PutEntryRequest request) {
        PutEntryCommand command = new PutEntryCommand(request.getNamespace(), request.getKey(),
                ConfigProtos.scope(request.getScope()), request.getValueJson(), VALUE_FIELD, request.getSecret(),
                request.getReason(), expected(request.hasExpectedRevision(), request.getExpectedRevision()));
        return GrpcCallers.serve(caller -> putEntry.execute(caller, command),
                written -> PutEntryResponse.newBuilder()
                        .setEntry(ConfigProtos.entry(written.maskedEntry().orElseThrow()))
                        .setChanged(written.changed())
                        .build());
    }

    @Override
    public Uni<DeleteEntryResponse> deleteEntry(DeleteEntryRequest request) {
        DeleteEntryCommand command = new DeleteEntryCommand(request.getNamespace(), request.getKey(),
                ConfigProtos.scope(request.getScope()), request.getReason(),
                expected(request.hasExpectedRevision(), request.getExpectedRevision()));
        return GrpcCallers.serve(caller -> deleteEntry.execute(caller, command),
                written -> DeleteEntryResponse.newBuilder().setRevision(written.revision()).build());
    }

    @Override
    public Uni<GetEntryResponse> getEntry(GetEntryRequest request) {
        GetEntryQuery query = new GetEntryQuery(request.getNamespace(), request.getKey(),
                ConfigProtos.scope(request.getScope()));
        return GrpcCallers.serve(caller -> getEntry.execute(caller, query),
                entry -> GetEntryResponse.newBuilder().setEntry(ConfigProtos.entry(entry)).build());
    }

    @Override
    public Uni<RollbackEntryResponse> rollbackEntry(RollbackEntryRequest request) {
        RollbackEntryCommand command = new RollbackEntryCommand(request.getNamespace(), request.getKey(),
                ConfigProtos.scope(request.getScope()), request.getToRevision(), request.getReason(),
                expected(request.hasExpectedRevision(), request.getExpectedRevision()));
        return GrpcCallers.serve(caller -> rollbackEntry.execute(caller, command), written -> {
            RollbackEntryResponse.Builder response = RollbackEntryResponse.newBuilder()
                    .setRevision(written.changed() ? written.revision() : 0)
                    .setChanged(written.changed());
            if (written.entry().isPresent()) {
                response.setEntry(ConfigProtos.entry(written.maskedEntry().orElseThrow()));
            }
            return response.build();
        });
    }

    @Override
    public Uni<GetEffectiveConfigResponse> getEffectiveConfig(GetEffectiveConfigRequest request) {
        EffectiveConfigQuery query = new EffectiveConfigQuery(request.getTenantId(), request.getService(),
                request.getNamespacesList(), request.getIncludeLayers());
        return GrpcCallers.serve(caller -> getEffectiveConfig.execute(caller, query), effective -> {
            GetEffectiveConfigResponse.Builder response = GetEffectiveConfigResponse.newBuilder()
                    .setRevision(effective.revision());
            effective.values().forEach(v -> response.addValues(ConfigProtos.effective(v)));
            effective.layers().forEach(l -> response.addLayers(ConfigProtos.entry(l)));
            return response.build();
        });
    }

    @Override
    public Uni<ListRevisionsResponse> listRevisions(ListRevisionsRequest request) {
        ListRevisionsQuery query = new ListRevisionsQuery(request.getTenantId(), request.getNamespace(),
                request.getKey(), request.getPageSize(), request.getPageToken());
        return GrpcCallers.serve(caller -> listRevisions.execute(caller, query), page -> {
            ListRevisionsResponse.Builder response = ListRevisionsResponse.newBuilder()
                    .setNextPageToken(page.nextPageToken());
            page.revisions().forEach(r -> response.addRevisions(ConfigProtos.revision(r)));
            return response.build();
        });
    }

    @Override
    public Uni<DiffRevisionsResponse> diffRevisions(DiffRevisionsRequest request) {
        DiffRevisionsQuery query = new DiffRevisionsQuery(request.getFromRevision(), request.getToRevision(),
                request.getTenantId(), request.getNamespace());
        return GrpcCallers.serve(caller -> diffRevisions.execute(caller, query), diffs -> {
            DiffRevisionsResponse.Builder response = DiffRevisionsResponse.newBuilder();
            for (DiffRevisions.EntryDiff diff : diffs) {
                EntryDiff.Builder entry = EntryDiff.newBuilder()
                        .setNamespace(diff.key().namespace())
                        .setKey(diff.key().key())
                        .setScope(ConfigEvents.scope(diff.key().scope()))
                        .setBeforeRevision(diff.beforeRevision())
                        .setAfterRevision(diff.afterRevision());
                diff.before().ifPresent(v -> entry.setBefore(ConfigProtos.value(v)));
                diff.after().ifPresent(v -> entry.setAfter(ConfigProtos.value(v)));
                response.addDiffs(entry);
            }
            return response.build();
        });
    }

    @Override
    public Uni<CompactRevisionsResponse> compactRevisions(CompactRevisionsRequest request) {
        return GrpcCallers.serve(
                caller -> compactRevisions.execute(caller, new CompactRevisionsCommand(request.getUpToRevision())),
                compacted -> CompactRevisionsResponse.newBuilder()
                        .setCompactedRevision(compacted.compactedRevision())
                        .setRevisionsDeleted(compacted.revisionsDeleted())
                        .build());
    }

    @Override
    public Multi<WatchResponse> watch(WatchRequest request) {
        Result<Caller> caller = GrpcCallers.current();
        if (!caller.isOk()) {
            return Multi.createFrom().failure(GrpcProblems.toException(caller.problem()));
        }
        WatchQuery query = new WatchQuery(request.getAfterRevision(), request.getTenantId(), request.getService(),
                request.getNamespacesList(), request.getAllTenants());
        return watchChanges.execute(caller.value(), query)
                .map(batch -> {
                    WatchResponse.Builder response = WatchResponse.newBuilder().setRevision(batch.revision());
                    batch.changes().forEach(change -> response.addChanges(ConfigProtos.revision(change)));
                    return response.build();
                })
                .onFailure().transform(ConfigGrpcService::watchFailure);
    }

    private static Throwable watchFailure(Throwable failure) {
        if (failure instanceof WatchChanges.WatchStopped stopped) {
            return GrpcProblems.toException(stopped.problem());
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(failure, "incident %s: watch stream failed unexpectedly", incident);
        return Status.INTERNAL.withDescription("internal error, incident " + incident
                + "; resume the watch after the last revision received").asRuntimeException();
    }

    private static OptionalLong expected(boolean present, long value) {
        return present ? OptionalLong.of(value) : OptionalLong.empty();
    }
}
