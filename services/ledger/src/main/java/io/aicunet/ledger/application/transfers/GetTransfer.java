package io.aicunet.ledger.application.transfers;

import io.aicunet.ledger.application.access.LedgerAccess;
import io.aicunet.ledger.application.port.Transfers;
import io.aicunet.ledger.application.privacy.PersonalDataCipher;
import io.aicunet.ledger.domain.Transfer;
import io.aicunet.ledger.domain.TransferId;
import io.aicunet.platform.problem.Problem;
import io.aicunet.platform.problem.Result;
import io.aicunet.platform.tenancy.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** Reads one transfer by id, its personal metadata decrypted. Another tenant's transfer is NOT_FOUND. */
@ApplicationScoped
public class GetTransfer {

    public static final String ACTION = "ledger.transfers.read";

    private final LedgerAccess access;
    private final Transfers transfers;
    private final PersonalDataCipher cipher;

    public GetTransfer(LedgerAccess access, Transfers transfers, PersonalDataCipher cipher) {
        this.access = access;
        this.transfers = transfers;
        this.cipher = cipher;
    }

    public Uni<Result<Transfer>> execute(Caller caller, TransferQuery query) {
        Optional<TransferId> id = TransferId.parse(query.transferId());
        if (id.isEmpty()) {
            return Uni.createFrom().item(Result.failed(Problem.InvalidArgument.of("transfer_id", "must be a UUID")));
        }
        return access.inTenant(caller, query.tenantId(), ACTION, "transfer", id.get().toString(),
                (connection, tenant) -> transfers.find(connection, tenant, id.get()).map(found -> found
                        .<Result<Transfer>>map(Result::ok)
                        .orElseGet(() -> Result.failed(new Problem.NotFound("transfer", query.transferId())))))
                .flatMap(found -> found.isOk()
                        ? cipher.open(List.of(found.value())).map(opened -> opened.map(list -> list.get(0)))
                        : Uni.createFrom().item(found));
    }
}
