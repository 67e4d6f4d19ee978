package io.aicunet.architecturefixture.good.adapter.scheduling;

import io.quarkus.scheduler.Scheduled;
import io.aicunet.architecturefixture.good.application.privacy.GoodPrivacyPart;

/** Every @Scheduled method of the service: thin triggers. */
public class GoodJobs {

    private final GoodPrivacyPart privacy;

    public GoodJobs(GoodPrivacyPart privacy) {
        this.privacy = privacy;
    }

    @Scheduled(every = "1m")
    void count() {
        privacy.count();
    }
}
