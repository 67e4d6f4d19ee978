package io.aicunet.tenant.adapter.grpc;

import io.aicunet.platform.privacy.DataClass;

import io.aicunet.contracts.tenant.v1.CreateTenantRequest;
import io.aicunet.contracts.tenant.v1.CreateTenantResponse;
import io.aicunet.contracts.tenant.v1.GetTenantRequest;
import io.aicunet.contracts.tenant.v1.GetTenantResponse;
import io.aicunet.contracts.tenant.v1.ListTenantsRequest;
import io.aicunet.contracts.tenant.v1.ListTenantsResponse;
import io.aicunet.contracts.tenant.v1.Quotas;
import io.aicunet.contracts.tenant.v1.ReactivateTenantRequest;
import io.aicunet.contracts.tenant.v1.ReactivateTenantResponse;
import io.aicunet.contracts.tenant.v1.RetentionPeriod;
import io.aicunet.contracts.tenant.v1.SuspendTenantRequest;
import io.aicunet.contracts.tenant.v1.SuspendTenantResponse;
import io.aicunet.contracts.tenant.v1.TenantService;
import io.aicunet.contracts.tenant.v1.UpdateTenantRequest;
import io.aicunet.contracts.tenant.v1.UpdateTenantResponse;
import io.aicunet.platform.tenancy.GrpcCallers;
import io.aicunet.tenant.application.tenants.CreateTenant;
import io.aicunet.tenant.application.tenants.GetTenant;
import io.aicunet.tenant.application.tenants.ListTenants;
import io.aicunet.tenant.application.tenants.ReactivateTenant;
import io.aicunet.tenant.application.tenants.SuspendTenant;
import io.aicunet.tenant.application.tenants.TenantCommands.CreateTenantCommand;
import io.aicunet.tenant.application.tenants.TenantCommands.GetTenantQuery;
import io.aicunet.tenant.application.tenants.TenantCommands.ListTenantsQuery;
import io.aicunet.tenant.application.tenants.TenantCommands.QuotasInput;
import io.aicunet.tenant.application.tenants.TenantCommands.ReactivateTenantCommand;
import io.aicunet.tenant.application.tenants.TenantCommands.RetentionInput;
import io.aicunet.tenant.application.tenants.TenantCommands.SuspendTenantCommand;
import io.aicunet.tenant.application.tenants.TenantCommands.UpdateTenantCommand;
import io.aicunet.tenant.application.contract.TenantProtos;
import io.aicunet.tenant.application.tenants.UpdateTenant;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** TenantService over gRPC: translates messages to commands and results to responses. */
@GrpcService
public class TenantGrpcService implements TenantService {

    private final CreateTenant createTenant;
    private final GetTenant getTenant;
    private final ListTenants listTenants;
    private final UpdateTenant updateTenant;
    private final SuspendTenant suspendTenant;
    private final ReactivateTenant reactivateTenant;

    public TenantGrpcService(CreateTenant createTenant, GetTenant getTenant, ListTenants listTenants,
                             UpdateTenant updateTenant, SuspendTenant suspendTenant,
                             ReactivateTenant reactivateTenant) {
        this.createTenant = createTenant;
        this.getTenant = getTenant;
        this.listTenants = listTenants;
        this.updateTenant = updateTenant;
        this.suspendTenant = suspendTenant;
        this.reactivateTenant = reactivateTenant;
    }

    @Override
    public Uni<CreateTenantResponse> createTenant(CreateTenantRequest request) {
        CreateTenantCommand command = new CreateTenantCommand(request.getIdempotencyKey(), request.getSlug(),
                request.getDisplayName(), request.getRegion(), TenantProtos.wireName(request.getTier()),
                request.hasQuotas() ? Optional.of(quotas(request.getQuotas())) : Optional.empty(),
                retention(request.getRetentionList()));
        return GrpcCallers.serve(caller -> createTenant.execute(caller, command),
                created -> CreateTenantResponse.newBuilder()
                        .setTenant(TenantProtos.toProto(created.tenant()))
                        .setReplayed(created.replayed())
                        .build());
    }

    @Override
    public Uni<GetTenantResponse> getTenant(GetTenantRequest request) {
        return GrpcCallers.serve(caller -> getTenant.execute(caller, new GetTenantQuery(request.getTenantId())),
                tenant -> GetTenantResponse.newBuilder().setTenant(TenantProtos.toProto(tenant)).build());
    }

    @Override
    public Uni<ListTenantsResponse> listTenants(ListTenantsRequest request) {
        ListTenantsQuery query = new ListTenantsQuery(request.getPageSize(), request.getPageToken(),
                Optional.ofNullable(TenantProtos.wireName(request.getStatus())));
        return GrpcCallers.serve(caller -> listTenants.execute(caller, query), page -> {
            ListTenantsResponse.Builder response = ListTenantsResponse.newBuilder()
                    .setNextPageToken(page.nextPageToken());
            page.tenants().forEach(tenant -> response.addTenants(TenantProtos.toProto(tenant)));
            return response.build();
        });
    }

    @Override
    public Uni<UpdateTenantResponse> updateTenant(UpdateTenantRequest request) {
        UpdateTenantCommand command = new UpdateTenantCommand(
                request.getTenantId(),
                request.hasExpectedVersion() ? OptionalLong.of(request.getExpectedVersion()) : OptionalLong.empty(),
                request.hasDisplayName() ? Optional.of(request.getDisplayName()) : Optional.empty(),
                request.hasTier() ? Optional.of(String.valueOf(TenantProtos.wireName(request.getTier())))
                        : Optional.empty(),
                request.hasQuotas() ? Optional.of(quotas(request.getQuotas())) : Optional.empty(),
                retention(request.getRetentionList()));
        return GrpcCallers.serve(caller -> updateTenant.execute(caller, command),
                tenant -> UpdateTenantResponse.newBuilder().setTenant(TenantProtos.toProto(tenant)).build());
    }

    @Override
    public Uni<SuspendTenantResponse> suspendTenant(SuspendTenantRequest request) {
        SuspendTenantCommand command = new SuspendTenantCommand(request.getTenantId(), request.getReason());
        return GrpcCallers.serve(caller -> suspendTenant.execute(caller, command),
                tenant -> SuspendTenantResponse.newBuilder().setTenant(TenantProtos.toProto(tenant)).build());
    }

    @Override
    public Uni<ReactivateTenantResponse> reactivateTenant(ReactivateTenantRequest request) {
        ReactivateTenantCommand command = new ReactivateTenantCommand(request.getTenantId());
        return GrpcCallers.serve(caller -> reactivateTenant.execute(caller, command),
                tenant -> ReactivateTenantResponse.newBuilder().setTenant(TenantProtos.toProto(tenant)).build());
    }

    private static QuotasInput quotas(Quotas quotas) {
        return new QuotasInput(quotas.getRequestsPerMinute(), quotas.getTokensPerDay(), quotas.getStorageBytes());
    }

    private static List<RetentionInput> retention(List<RetentionPeriod> periods) {
        return periods.stream().map(p -> new RetentionInput(p.getDataClass(), p.getDays())).toList();
    }
}
