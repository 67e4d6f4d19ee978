package io.aicunet.platform.privacy;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Records of one kind (a table or a Redis structure) in an export, as JSON objects with
 * personal fields decrypted: one page of the stream a {@link PrivacyPart} exports. A kind
 * with no records is one empty page, so the answer still counts it (0).
 */
public record ExportPage(String kind, List<JsonObject> records) {

    public ExportPage {
        Objects.requireNonNull(kind, "kind");
        records = List.copyOf(records);
    }

    /** One fetched page of a kind, and where the next one starts: empty when it was the last. */
    public record Fetched<C>(List<JsonObject> records, Optional<C> next) {
    }

    /**
     * The pages of one kind: {@code fetch(empty)} first, then {@code fetch(next)} of the page
     * before as long as it names one. A page is fetched only when the reader asks for it,
     * so however many records the kind holds, a few pages are in memory at a time.
     */
    public static <C> Multi<ExportPage> paged(String kind, Function<Optional<C>, Uni<Fetched<C>>> fetch) {
        return Multi.createBy().repeating()
                .uni(() -> new AtomicReference<Optional<C>>(Optional.empty()),
                        cursor -> fetch.apply(cursor.get()).invoke(fetched -> cursor.set(fetched.next())))
                .whilst(fetched -> fetched.next().isPresent())
                .map(fetched -> new ExportPage(kind, fetched.records()));
    }

    /** A kind small enough to read at once (a tenant's own row, its accounts), as one page. */
    public static Multi<ExportPage> whole(String kind, Uni<List<JsonObject>> records) {
        return records.map(found -> new ExportPage(kind, found)).toMulti();
    }
}
