package io.aicunet.config.application.entries;

import io.aicunet.config.application.access.ConfigCommands.DeleteEntryCommand;
import io.aicunet.config.application.access.ConfigInputs;
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

/** Deletes an entry at a scope, as a revision; less specific scopes show through again. */
@ApplicationScoped
public class DeleteEntry {

    private final EntryWrites writes;

    public DeleteEntry(EntryWrites writes) {
        this.writes = writes;
    }

    public Uni<Result<EntryWrites.Written>> execute(Caller caller, DeleteEntryCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<EntryKey> key = ConfigInputs.entryKey(command.namespace(), command.key(), command.scope(), violations);
        ConfigInputs.check("reason", ConfigRules.reasonProblem(command.reason()), violations);
        if (command.expectedRevision().isPresent() && command.expectedRevision().getAsLong() < 1) {
            violations.add(new FieldViolation("expected_revision", "must be a revision (1 or more)"));
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        return writes.write(caller, key.get(), command.expectedRevision(), command.reason(), new EntryWrites.Delete());
    }
}
