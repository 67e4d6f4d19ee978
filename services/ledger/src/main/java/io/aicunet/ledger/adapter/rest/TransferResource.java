package io.aicunet.ledger.adapter.rest;

import io.aicunet.ledger.adapter.rest.LedgerJson.CreateTransfersBody;
import io.aicunet.ledger.adapter.rest.LedgerJson.NewTransferBody;
import io.aicunet.ledger.adapter.rest.LedgerJson.OutcomeBody;
import io.aicunet.ledger.adapter.rest.LedgerJson.OutcomesBody;
import io.aicunet.ledger.adapter.rest.LedgerJson.TransferBody;
import io.aicunet.ledger.application.transfers.CreateTransfers;
import io.aicunet.ledger.application.transfers.CreateTransfersCommand;
import io.aicunet.ledger.application.transfers.GetTransfer;
import io.aicunet.ledger.application.transfers.TransferQuery;
import io.aicunet.ledger.domain.TransferDraft;
import io.aicunet.platform.problem.HttpProblems;
import io.aicunet.platform.tenancy.HttpCallers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Transfers over REST: batches in, one result per transfer out. */
@Path("/v1/transfers")
@Tag(name = "transfers")
@Produces({MediaType.APPLICATION_JSON, HttpProblems.PROBLEM_JSON})
public class TransferResource {

    private final CreateTransfers createTransfers;
    private final GetTransfer getTransfer;

    public TransferResource(CreateTransfers createTransfers, GetTransfer getTransfer) {
        this.createTransfers = createTransfers;
        this.getTransfer = getTransfer;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create up to 8,190 transfers",
            description = "Answers 200 with one result per transfer, in request order (ok, exists, or why it failed);"
                    + " transfers flagged linked form a chain that succeeds or fails as one. Each transfer's id"
                    + " is its idempotency key.")
    @APIResponse(responseCode = "200", description = "One result per transfer, in request order.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = OutcomesBody.class)))
    @APIResponse(responseCode = "409", description = "The tenant is suspended: it takes no new transfers.")
    public Uni<Response> create(CreateTransfersBody body) {
        if (body == null) {
            return AccountResource.missingBody();
        }
        List<NewTransferBody> transfers = body.transfers() == null ? List.of() : body.transfers();
        List<TransferDraft> drafts = new ArrayList<>(transfers.size());
        transfers.forEach(transfer -> drafts.add(transfer == null
                ? new TransferDraft(null, null, null, null, null, null, false, 0, null, null)
                : transfer.toDraft()));
        CreateTransfersCommand command = new CreateTransfersCommand(body.tenantId(), drafts);
        return HttpCallers.serve(caller -> createTransfers.execute(caller, command),
                outcomes -> Response.ok(new OutcomesBody(outcomes.stream().map(OutcomeBody::of).toList())).build());
    }

    @GET
    @Path("/{transferId}")
    @Operation(summary = "Read a transfer")
    @APIResponse(responseCode = "200", description = "The transfer.", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TransferBody.class)))
    @APIResponse(responseCode = "404", description = "No such transfer in this tenant.")
    public Uni<Response> get(@Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid",
                                     pattern = LedgerJson.UUID_PATTERN))
                             @PathParam("transferId") String transferId,
                             @Parameter(description = LedgerJson.TENANT_ID_DESCRIPTION, schema = @Schema(
                                     type = SchemaType.STRING, pattern = LedgerJson.TENANT_ID_PATTERN))
                             @QueryParam("tenant_id") String tenantId) {
        return HttpCallers.serve(caller -> getTransfer.execute(caller, new TransferQuery(tenantId, transferId)),
                transfer -> Response.ok(TransferBody.of(transfer)).build());
    }
}
