package io.aicunet.architecturefixture.good.adapter.persistence;

import java.util.Map;
import java.util.Set;

/** The personal-data declaration, beside the tables it names. */
public final class GoodPersonalData {

    public static final Map<String, Set<String>> PERSONAL = Map.of("orders", Set.of("customer_name"));

    private GoodPersonalData() {
    }
}
