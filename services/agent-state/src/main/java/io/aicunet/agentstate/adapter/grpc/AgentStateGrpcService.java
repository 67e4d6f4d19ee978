package io.aicunet.agentstate.adapter.grpc;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.aicunet.agentstate.application.agents.AgentCommands.ChangeAgentStatusCommand;
import io.aicunet.agentstate.application.agents.AgentCommands.GetAgentQuery;
import io.aicunet.agentstate.application.agents.AgentCommands.HeartbeatCommand;
import io.aicunet.agentstate.application.agents.AgentCommands.RegisterAgentCommand;
import io.aicunet.agentstate.application.agents.AgentCommands.WatchAgentQuery;
import io.aicunet.agentstate.application.agents.ChangeAgentStatus;
import io.aicunet.agentstate.application.agents.GetAgent;
import io.aicunet.agentstate.application.agents.RecordHeartbeat;
import io.aicunet.agentstate.application.agents.RegisterAgent;
import io.aicunet.agentstate.application.agents.WatchAgent;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.ForkThreadCommand;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.GetCheckpointQuery;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.GetLatestCheckpointQuery;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.ListCheckpointsQuery;
import io.aicunet.agentstate.application.checkpoints.CheckpointCommands.SaveCheckpointCommand;
import io.aicunet.agentstate.application.checkpoints.ForkThread;
import io.aicunet.agentstate.application.checkpoints.GetCheckpoint;
import io.aicunet.agentstate.application.checkpoints.GetLatestCheckpoint;
import io.aicunet.agentstate.application.checkpoints.ListCheckpoints;
import io.aicunet.agentstate.application.checkpoints.SaveCheckpoint;
import io.aicunet.agentstate.application.contract.AgentStateProtos;
import io.aicunet.agentstate.application.leases.ClaimLease;
import io.aicunet.agentstate.application.leases.LeaseCommands.ClaimLeaseCommand;
import io.aicunet.agentstate.application.leases.LeaseCommands.ReleaseLeaseCommand;
import io.aicunet.agentstate.application.leases.LeaseCommands.RenewLeaseCommand;
import io.aicunet.agentstate.application.leases.ReleaseLease;
import io.aicunet.agentstate.application.leases.RenewLease;
import io.aicunet.agentstate.application.privacy.EraseTenantData;
import io.aicunet.agentstate.application.privacy.PrivacyCommands.EraseTenantDataCommand;
import io.aicunet.agentstate.application.retention.GetRetentionPolicy;
import io.aicunet.agentstate.application.retention.RetentionCommands.GetRetentionPolicyQuery;
import io.aicunet.agentstate.application.retention.RetentionCommands.SetRetentionPolicyCommand;
import io.aicunet.agentstate.application.retention.SetRetentionPolicy;
import io.aicunet.agentstate.application.tasks.AckTask;
import io.aicunet.agentstate.application.tasks.ClaimTasks;
import io.aicunet.agentstate.application.tasks.EnqueueTask;
import io.aicunet.agentstate.application.tasks.FailTask;
import io.aicunet.agentstate.application.tasks.ListDeadTasks;
import io.aicunet.agentstate.application.tasks.TaskCommands.AckTaskCommand;
import io.aicunet.agentstate.application.tasks.TaskCommands.ClaimTasksCommand;
import io.aicunet.agentstate.application.tasks.TaskCommands.EnqueueTaskCommand;
import io.aicunet.agentstate.application.tasks.TaskCommands.FailTaskCommand;
import io.aicunet.agentstate.application.tasks.TaskCommands.ListDeadTasksQuery;
import io.aicunet.contracts.agentstate.v1.AckTaskRequest;
import io.aicunet.contracts.agentstate.v1.AckTaskResponse;
import io.aicunet.contracts.agentstate.v1.AgentStateService;
import io.aicunet.contracts.agentstate.v1.ChangeAgentStatusRequest;
import io.aicunet.contracts.agentstate.v1.ChangeAgentStatusResponse;
import io.aicunet.contracts.agentstate.v1.ClaimLeaseRequest;
import io.aicunet.contracts.agentstate.v1.ClaimLeaseResponse;
import io.aicunet.contracts.agentstate.v1.ClaimTasksRequest;
import io.aicunet.contracts.agentstate.v1.ClaimTasksResponse;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskRequest;
import io.aicunet.contracts.agentstate.v1.EnqueueTaskResponse;
import io.aicunet.contracts.agentstate.v1.EraseTenantDataRequest;
import io.aicunet.contracts.agentstate.v1.EraseTenantDataResponse;
import io.aicunet.contracts.agentstate.v1.FailTaskRequest;
import io.aicunet.contracts.agentstate.v1.FailTaskResponse;
import io.aicunet.contracts.agentstate.v1.ForkThreadRequest;
import io.aicunet.contracts.agentstate.v1.ForkThreadResponse;
import io.aicunet.contracts.agentstate.v1.GetAgentRequest;
import io.aicunet.contracts.agentstate.v1.GetAgentResponse;
import io.aicunet.contracts.agentstate.v1.GetCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.GetCheckpointResponse;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.GetLatestCheckpointResponse;
import io.aicunet.contracts.agentstate.v1.GetRetentionPolicyRequest;
import io.aicunet.contracts.agentstate.v1.GetRetentionPolicyResponse;
import io.aicunet.contracts.agentstate.v1.HeartbeatRequest;
import io.aicunet.contracts.agentstate.v1.HeartbeatResponse;
import io.aicunet.contracts.agentstate.v1.ListCheckpointsRequest;
import io.aicunet.contracts.agentstate.v1.ListCheckpointsResponse;
import io.aicunet.contracts.agentstate.v1.ListDeadTasksRequest;
import io.aicunet.contracts.agentstate.v1.ListDeadTasksResponse;
import io.aicunet.contracts.agentstate.v1.RegisterAgentRequest;
import io.aicunet.contracts.agentstate.v1.RegisterAgentResponse;
import io.aicunet.contracts.agentstate.v1.ReleaseLeaseRequest;
import io.aicunet.contracts.agentstate.v1.ReleaseLeaseResponse;
import io.aicunet.contracts.agentstate.v1.RenewLeaseRequest;
import io.aicunet.contracts.agentstate.v1.RenewLeaseResponse;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointRequest;
import io.aicunet.contracts.agentstate.v1.SaveCheckpointResponse;
import io.aicunet.contracts.agentstate.v1.SetRetentionPolicyRequest;
import io.aicunet.contracts.agentstate.v1.SetRetentionPolicyResponse;
import io.aicunet.contracts.agentstate.v1.WatchAgentRequest;
import io.aicunet.contracts.agentstate.v1.WatchAgentResponse;
import io.aicunet.platform.problem.GrpcProblems;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.aicunet.platform.tenancy.GrpcCallers;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.OptionalLong;

/** AgentStateService over gRPC: translates messages to commands and results to responses. */
@GrpcService
public class AgentStateGrpcService implements AgentStateService {

    private final RegisterAgent registerAgent;
    private final GetAgent getAgent;
    private final ChangeAgentStatus changeAgentStatus;
    private final WatchAgent watchAgent;
    private final RecordHeartbeat recordHeartbeat;
    private final ClaimLease claimLease;
    private final RenewLease renewLease;
    private final ReleaseLease releaseLease;
    private final SaveCheckpoint saveCheckpoint;
    private final GetLatestCheckpoint getLatestCheckpoint;
    private final GetCheckpoint getCheckpoint;
    private final ListCheckpoints listCheckpoints;
    private final ForkThread forkThread;
    private final EnqueueTask enqueueTask;
    private final ClaimTasks claimTasks;
    private final AckTask ackTask;
    private final FailTask failTask;
    private final ListDeadTasks listDeadTasks;
    private final GetRetentionPolicy getRetentionPolicy;
    private final SetRetentionPolicy setRetentionPolicy;
    private final EraseTenantData eraseTenantData;

    public AgentStateGrpcService(RegisterAgent registerAgent, GetAgent getAgent, ChangeAgentStatus changeAgentStatus,
                                 WatchAgent watchAgent, RecordHeartbeat recordHeartbeat, ClaimLease claimLease,
                                 RenewLease renewLease, ReleaseLease releaseLease, SaveCheckpoint saveCheckpoint,
                                 GetLatestCheckpoint getLatestCheckpoint, GetCheckpoint getCheckpoint,
                                 ListCheckpoints listCheckpoints, ForkThread forkThread, EnqueueTask enqueueTask,
                                 ClaimTasks claimTasks, AckTask ackTask, FailTask failTask,
                                 ListDeadTasks listDeadTasks, GetRetentionPolicy getRetentionPolicy,
                                 SetRetentionPolicy setRetentionPolicy, EraseTenantData eraseTenantData) {
        this.registerAgent = registerAgent;
        this.getAgent = getAgent;
        this.changeAgentStatus = changeAgentStatus;
        this.watchAgent = watchAgent;
        this.recordHeartbeat = recordHeartbeat;
        this.claimLease = claimLease;
        this.renewLease = renewLease;
        this.releaseLease = releaseLease;
        this.saveCheckpoint = saveCheckpoint;
        this.getLatestCheckpoint = getLatestCheckpoint;
        this.getCheckpoint = getCheckpoint;
        this.listCheckpoints = listCheckpoints;
        this.forkThread = forkThread;
        this.enqueueTask = enqueueTask;
        this.claimTasks = claimTasks;
        this.ackTask = ackTask;
        this.failTask = failTask;
        this.listDeadTasks = listDeadTasks;
        this.getRetentionPolicy = getRetentionPolicy;
        this.setRetentionPolicy = setRetentionPolicy;
        this.eraseTenantData = eraseTenantData;
    }

    @Override
    public Uni<RegisterAgentResponse> registerAgent(RegisterAgentRequest request) {
        RegisterAgentCommand command = new RegisterAgentCommand(request.getIdempotencyKey(), request.getKind(),
                request.getLabelsMap());
        return GrpcCallers.serve(caller -> registerAgent.execute(caller, command),
                registered -> RegisterAgentResponse.newBuilder()
                        .setAgent(AgentStateProtos.toProto(registered.agent()))
                        .setReplayed(registered.replayed())
                        .build());
    }

    @Override
    public Uni<GetAgentResponse> getAgent(GetAgentRequest request) {
        return GrpcCallers.serve(caller -> getAgent.execute(caller, new GetAgentQuery(request.getAgentId())),
                agent -> GetAgentResponse.newBuilder().setAgent(AgentStateProtos.toProto(agent)).build());
    }

    @Override
    public Uni<ChangeAgentStatusResponse> changeAgentStatus(ChangeAgentStatusRequest request) {
        ChangeAgentStatusCommand command = new ChangeAgentStatusCommand(request.getAgentId(),
                AgentStateProtos.wireName(request.getStatus()),
                request.hasExpectedVersion() ? OptionalLong.of(request.getExpectedVersion()) : OptionalLong.empty(),
                request.getFencingToken(), request.getReason());
        return GrpcCallers.serve(caller -> changeAgentStatus.execute(caller, command),
                agent -> ChangeAgentStatusResponse.newBuilder().setAgent(AgentStateProtos.toProto(agent)).build());
    }

    @Override
    public Multi<WatchAgentResponse> watchAgent(WatchAgentRequest request) {
        Result<Caller> caller = GrpcCallers.current();
        if (!caller.isOk()) {
            return Multi.createFrom().failure(GrpcProblems.toException(caller.problem()));
        }
        return watchAgent.execute(caller.value(), new WatchAgentQuery(request.getAgentId()))
                .onItem().transformToMulti(result -> {
                    if (!result.isOk()) {
                        return Multi.createFrom().<WatchAgentResponse>failure(
                                GrpcProblems.toException(result.problem()));
                    }
                    return result.value().map(AgentStateProtos::toProto);
                });
    }

    @Override
    public Uni<HeartbeatResponse> heartbeat(HeartbeatRequest request) {
        return GrpcCallers.serve(caller -> recordHeartbeat.execute(caller, new HeartbeatCommand(request.getAgentId())),
                lostAfter -> HeartbeatResponse.newBuilder().setLostAfterMillis(lostAfter.toMillis()).build());
    }

    @Override
    public Uni<ClaimLeaseResponse> claimLease(ClaimLeaseRequest request) {
        ClaimLeaseCommand command = new ClaimLeaseCommand(request.getAgentId(), request.getWorkerId(),
                request.getTtlMillis());
        return GrpcCallers.serve(caller -> claimLease.execute(caller, command),
                lease -> ClaimLeaseResponse.newBuilder()
                        .setFencingToken(lease.fencingToken())
                        .setExpiresAt(AgentStateProtos.timestamp(lease.expiresAt()))
                        .build());
    }

    @Override
    public Uni<RenewLeaseResponse> renewLease(RenewLeaseRequest request) {
        RenewLeaseCommand command = new RenewLeaseCommand(request.getAgentId(), request.getWorkerId(),
                request.getFencingToken(), request.getTtlMillis());
        return GrpcCallers.serve(caller -> renewLease.execute(caller, command),
                lease -> RenewLeaseResponse.newBuilder()
                        .setExpiresAt(AgentStateProtos.timestamp(lease.expiresAt()))
                        .build());
    }

    @Override
    public Uni<ReleaseLeaseResponse> releaseLease(ReleaseLeaseRequest request) {
        ReleaseLeaseCommand command = new ReleaseLeaseCommand(request.getAgentId(), request.getWorkerId(),
                request.getFencingToken());
        return GrpcCallers.serve(caller -> releaseLease.execute(caller, command),
                released -> ReleaseLeaseResponse.getDefaultInstance());
    }

    @Override
    public Uni<SaveCheckpointResponse> saveCheckpoint(SaveCheckpointRequest request) {
        SaveCheckpointCommand command = new SaveCheckpointCommand(request.getAgentId(), request.getThreadId(),
                request.getExpectedVersion(), request.getStateJson(), request.getMetadataMap(),
                request.getFencingToken(), request.getIdempotencyKey());
        return GrpcCallers.serve(caller -> saveCheckpoint.execute(caller, command), outcome -> {
            if (outcome instanceof SaveCheckpoint.VersionConflict conflict) {
                throw versionConflict(conflict);
            }
            SaveCheckpoint.Saved saved = (SaveCheckpoint.Saved) outcome;
            return SaveCheckpointResponse.newBuilder()
                    .setCheckpoint(AgentStateProtos.toProto(saved.checkpoint()))
                    .setReplayed(saved.replayed())
                    .build();
        });
    }

    @Override
    public Uni<GetLatestCheckpointResponse> getLatestCheckpoint(GetLatestCheckpointRequest request) {
        GetLatestCheckpointQuery query = new GetLatestCheckpointQuery(request.getAgentId(), request.getThreadId());
        return GrpcCallers.serve(caller -> getLatestCheckpoint.execute(caller, query),
                checkpoint -> GetLatestCheckpointResponse.newBuilder()
                        .setCheckpoint(AgentStateProtos.toProto(checkpoint)).build());
    }

    @Override
    public Uni<GetCheckpointResponse> getCheckpoint(GetCheckpointRequest request) {
        GetCheckpointQuery query = new GetCheckpointQuery(request.getAgentId(), request.getThreadId(),
                request.getCheckpointId());
        return GrpcCallers.serve(caller -> getCheckpoint.execute(caller, query),
                checkpoint -> GetCheckpointResponse.newBuilder()
                        .setCheckpoint(AgentStateProtos.toProto(checkpoint)).build());
    }

    @Override
    public Uni<ListCheckpointsResponse> listCheckpoints(ListCheckpointsRequest request) {
        ListCheckpointsQuery query = new ListCheckpointsQuery(request.getAgentId(), request.getThreadId(),
                request.getPageSize(), request.getPageToken());
        return GrpcCallers.serve(caller -> listCheckpoints.execute(caller, query), page -> {
            ListCheckpointsResponse.Builder response = ListCheckpointsResponse.newBuilder()
                    .setNextPageToken(page.nextPageToken());
            page.checkpoints().forEach(summary -> response.addCheckpoints(AgentStateProtos.toProto(summary)));
            return response.build();
        });
    }

    @Override
    public Uni<ForkThreadResponse> forkThread(ForkThreadRequest request) {
        ForkThreadCommand command = new ForkThreadCommand(request.getAgentId(), request.getThreadId(),
                request.getCheckpointId(), request.getNewThreadId(), request.getIdempotencyKey());
        return GrpcCallers.serve(caller -> forkThread.execute(caller, command),
                forked -> ForkThreadResponse.newBuilder()
                        .setCheckpoint(AgentStateProtos.toProto(forked.checkpoint()))
                        .setReplayed(forked.replayed())
                        .build());
    }

    @Override
    public Uni<EnqueueTaskResponse> enqueueTask(EnqueueTaskRequest request) {
        EnqueueTaskCommand command = new EnqueueTaskCommand(request.getQueue(), request.getPayloadJson());
        return GrpcCallers.serve(caller -> enqueueTask.execute(caller, command),
                taskId -> EnqueueTaskResponse.newBuilder().setTaskId(taskId).build());
    }

    @Override
    public Uni<ClaimTasksResponse> claimTasks(ClaimTasksRequest request) {
        ClaimTasksCommand command = new ClaimTasksCommand(request.getQueue(), request.getConsumer(),
                request.getCount());
        return GrpcCallers.serve(caller -> claimTasks.execute(caller, command), tasks -> {
            ClaimTasksResponse.Builder response = ClaimTasksResponse.newBuilder();
            tasks.forEach(task -> response.addTasks(AgentStateProtos.toProto(task)));
            return response.build();
        });
    }

    @Override
    public Uni<AckTaskResponse> ackTask(AckTaskRequest request) {
        AckTaskCommand command = new AckTaskCommand(request.getQueue(), request.getTaskId(), request.getConsumer());
        return GrpcCallers.serve(caller -> ackTask.execute(caller, command),
                acked -> AckTaskResponse.getDefaultInstance());
    }

    @Override
    public Uni<FailTaskResponse> failTask(FailTaskRequest request) {
        FailTaskCommand command = new FailTaskCommand(request.getQueue(), request.getTaskId(), request.getConsumer(),
                request.getReason());
        return GrpcCallers.serve(caller -> failTask.execute(caller, command),
                deadLettered -> FailTaskResponse.newBuilder().setDeadLettered(deadLettered).build());
    }

    @Override
    public Uni<ListDeadTasksResponse> listDeadTasks(ListDeadTasksRequest request) {
        ListDeadTasksQuery query = new ListDeadTasksQuery(request.getQueue(), request.getPageSize());
        return GrpcCallers.serve(caller -> listDeadTasks.execute(caller, query), tasks -> {
            ListDeadTasksResponse.Builder response = ListDeadTasksResponse.newBuilder();
            tasks.forEach(task -> response.addTasks(AgentStateProtos.toProto(task)));
            return response.build();
        });
    }

    @Override
    public Uni<GetRetentionPolicyResponse> getRetentionPolicy(GetRetentionPolicyRequest request) {
        return GrpcCallers.serve(caller -> getRetentionPolicy.execute(caller,
                        new GetRetentionPolicyQuery(request.getTenantId())),
                policy -> GetRetentionPolicyResponse.newBuilder().setPolicy(AgentStateProtos.toProto(policy)).build());
    }

    @Override
    public Uni<SetRetentionPolicyResponse> setRetentionPolicy(SetRetentionPolicyRequest request) {
        SetRetentionPolicyCommand command = new SetRetentionPolicyCommand(request.getTenantId(),
                request.getKeepLastCheckpoints(), request.getIdleThreadTtlSeconds());
        return GrpcCallers.serve(caller -> setRetentionPolicy.execute(caller, command),
                policy -> SetRetentionPolicyResponse.newBuilder().setPolicy(AgentStateProtos.toProto(policy)).build());
    }

    @Override
    public Uni<EraseTenantDataResponse> eraseTenantData(EraseTenantDataRequest request) {
        return GrpcCallers.serve(caller -> eraseTenantData.execute(caller,
                        new EraseTenantDataCommand(request.getTenantId())),
                erasure -> EraseTenantDataResponse.newBuilder()
                        .setComplete(erasure.complete())
                        .setRowsDeleted(erasure.rowsDeleted())
                        .build());
    }

    /**
     * ALREADY_EXISTS, like every conflict of the fleet, with an ErrorInfo whose metadata
     * carries the thread's current version, so the client can reload and retry.
     */
    static StatusRuntimeException versionConflict(SaveCheckpoint.VersionConflict conflict) {
        com.google.rpc.Status status = GrpcProblems.toStatus(conflict.problem()).toBuilder()
                .clearDetails()
                .addDetails(Any.pack(ErrorInfo.newBuilder()
                        .setDomain(GrpcProblems.ERROR_DOMAIN)
                        .setReason("VERSION_CONFLICT")
                        .putMetadata("current_version", Long.toString(conflict.currentVersion()))
                        .putMetadata("expected_version", Long.toString(conflict.expectedVersion()))
                        .putMetadata("thread_id", conflict.threadId().toString())
                        .build()))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }
}
