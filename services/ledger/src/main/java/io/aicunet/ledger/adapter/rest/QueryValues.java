package io.aicunet.ledger.adapter.rest;

import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Optional;

/**
 * A query parameter as the client sent it. Quarkus REST hands a {@code @QueryParam} sent
 * empty ({@code ?as_of=}) to the method as {@code null}, the same as one left out; where
 * the OpenAPI document gives a parameter a format an empty text does not have (a date, a
 * date-time), an empty one must be refused like any other text that is not one, not read
 * as "omitted".
 */
final class QueryValues {

    private QueryValues() {
    }

    /** The first value of {@code name} as sent (possibly empty), or empty when the query has none. */
    static Optional<String> sent(UriInfo uri, String name) {
        List<String> values = uri.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
    }
}
