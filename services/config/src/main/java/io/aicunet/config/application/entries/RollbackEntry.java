package io.aicunet.config.application.entries;

import io.aicunet.config.application.access.ConfigCommands.RollbackEntryCommand;
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

/**
 * Restores the value one of an entry's revisions wrote (or its deletion), as a new
 * revision that names the one it restored; validated against today's schema. A
 * revision that is not this entry's, or was compacted away, is NOT_FOUND.
 */
@ApplicationScoped
public class RollbackEntry {

    private final EntryWrites writes;

    public RollbackEntry(EntryWrites writes) {
        this.writes = writes;
    }

    public Uni<Result<EntryWrites.Written>> execute(Caller caller, RollbackEntryCommand command) {
        List<FieldViolation> violations = new ArrayList<>();
        Optional<EntryKey> key = ConfigInputs.entryKey(command.namespace(), command.key(), command.scope(), violations);
        ConfigInputs.check("reason", ConfigRules.reasonProblem(command.reason()), violations);
        if (command.toRevision() < 1) {
            violations.add(new FieldViolation("to_revision", "must be a revision (1 or more)"));
        }
        if (command.expectedRevision().isPresent() && command.expectedRevision().getAsLong() < 0) {
            violations.add(new FieldViolation("expected_revision", "must be 0 (absent) or a revision"));
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(Result.failed(new Problem.InvalidArgument(violations)));
        }
        return writes.write(caller, key.get(), command.expectedRevision(), command.reason(),
                new EntryWrites.Restore(command.toRevision()));
    }
}
