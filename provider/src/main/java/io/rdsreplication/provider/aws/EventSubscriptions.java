package io.rdsreplication.provider.aws;

import io.rdsreplication.provider.core.CheckFailure;
import io.rdsreplication.provider.core.ProviderException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.model.EventSubscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The runbook's first guideline: an RDS event subscription that sends the instance's failover, failure,
 * availability and maintenance events to an SNS topic, given or created here (and then owned: deleted with the
 * subscription). Create, read and delete; a change of any field is a replacement (see the report on
 * ModifyEventSubscription).
 */
public final class EventSubscriptions {
    private EventSubscriptions() {
    }

    /** What the runbook asks to watch. */
    public static final List<String> DEFAULT_CATEGORIES = List.of("availability", "failover", "failure", "maintenance");
    /** RDS's event categories for source type db-instance. */
    public static final Set<String> INSTANCE_CATEGORIES = Set.of("availability", "backup", "configuration change", "creation",
            "deletion", "failover", "failure", "low storage", "maintenance", "notification", "read replica", "recovery",
            "restoration", "security", "security patching");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,253}");
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,62}");
    private static final Pattern TOPIC_ARN = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}");

    /**
     * @param name                 the subscription's name (also the created topic's name)
     * @param dbInstanceIdentifier the RDS instance watched
     * @param snsTopicArn          the topic to send to; null: create one named {@code name}, owned by the subscription
     * @param categories           event categories (empty: {@link #DEFAULT_CATEGORIES})
     */
    public record Spec(String name, String dbInstanceIdentifier, String snsTopicArn, List<String> categories) {
        public Spec {
            categories = categories == null || categories.isEmpty() ? DEFAULT_CATEGORIES : List.copyOf(categories);
        }

        public List<CheckFailure> validate() {
            List<CheckFailure> out = new ArrayList<>();
            if (name == null || !NAME.matcher(name).matches()) {
                out.add(new CheckFailure("name", "must start with a letter and hold only letters, digits and hyphens (at most 254)"));
            }
            if (dbInstanceIdentifier == null || !INSTANCE.matcher(dbInstanceIdentifier).matches()) {
                out.add(new CheckFailure("dbInstanceIdentifier", "must be an RDS DB instance identifier (a letter, then letters, digits, hyphens)"));
            }
            if (snsTopicArn != null && !TOPIC_ARN.matcher(snsTopicArn).matches()) {
                out.add(new CheckFailure("snsTopicArn", "must be an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:name"));
            }
            for (int i = 0; i < categories.size(); i++) {
                if (!INSTANCE_CATEGORIES.contains(categories.get(i))) {
                    out.add(new CheckFailure("categories[" + i + "]", "must be one of " + new java.util.TreeSet<>(INSTANCE_CATEGORIES)));
                }
            }
            return out;
        }
    }

    /** The subscription as RDS reports it, and whether its topic was created (and is owned) here. */
    public record Subscription(String name, String arn, String snsTopicArn, boolean topicOwned, List<String> sourceIds,
                               List<String> categories, boolean enabled, String status) {
    }

    /** Creates the subscription (and the topic when none is given); a topic created here is removed again if that fails. */
    public static Subscription create(AwsClients aws, Spec spec) {
        List<CheckFailure> bad = spec.validate();
        if (!bad.isEmpty()) throw new ProviderException.InvalidInput(bad);
        Instances.describe(aws.rds(), spec.dbInstanceIdentifier());   // a clear error for a wrong instance, before anything is made
        String topic = spec.snsTopicArn();
        boolean owned = topic == null;
        if (owned) {
            try {
                topic = aws.sns().createTopic(b -> b.name(spec.name())).topicArn();
            } catch (SdkException e) {
                throw AwsErrors.wrap(e, "SNS CreateTopic " + spec.name());
            }
        }
        String topicArn = topic;
        try {
            EventSubscription s = aws.rds().createEventSubscription(b -> b.subscriptionName(spec.name()).snsTopicArn(topicArn)
                    .sourceType("db-instance").sourceIds(spec.dbInstanceIdentifier()).eventCategories(spec.categories())
                    .enabled(true)).eventSubscription();
            return of(s, owned);
        } catch (SdkException e) {
            if (owned) deleteTopicQuietly(aws, topicArn);
            throw AwsErrors.wrap(e, "RDS CreateEventSubscription " + spec.name());
        }
    }

    /** The subscription named {@code name}, or empty when it does not exist ({@code topicOwned} comes from state). */
    public static Optional<Subscription> read(AwsClients aws, String name, boolean topicOwned) {
        try {
            List<EventSubscription> list = aws.rds().describeEventSubscriptions(b -> b.subscriptionName(name)).eventSubscriptionsList();
            return list.isEmpty() ? Optional.empty() : Optional.of(of(list.get(0), topicOwned));
        } catch (SdkException e) {
            if (isNotFound(e)) return Optional.empty();
            throw AwsErrors.wrap(e, "RDS DescribeEventSubscriptions " + name);
        }
    }

    /** Deletes the subscription (gone already is fine), then the topic when it is owned. */
    public static void delete(AwsClients aws, String name, String ownedTopicArn) {
        try {
            aws.rds().deleteEventSubscription(b -> b.subscriptionName(name));
        } catch (SdkException e) {
            if (!isNotFound(e)) throw AwsErrors.wrap(e, "RDS DeleteEventSubscription " + name);
        }
        if (ownedTopicArn != null) {
            try {
                aws.sns().deleteTopic(b -> b.topicArn(ownedTopicArn));
            } catch (SdkException e) {
                if (!AwsErrors.code(e).equals("NotFound")) throw AwsErrors.wrap(e, "SNS DeleteTopic " + ownedTopicArn);
            }
        }
    }

    private static Subscription of(EventSubscription s, boolean owned) {
        return new Subscription(s.custSubscriptionId(), s.eventSubscriptionArn(), s.snsTopicArn(), owned,
                List.copyOf(s.sourceIdsList()), List.copyOf(s.eventCategoriesList()), Boolean.TRUE.equals(s.enabled()), s.status());
    }

    private static boolean isNotFound(SdkException e) {
        String c = AwsErrors.code(e);
        return c.equals("SubscriptionNotFound") || c.equals("SubscriptionNotFoundFault");
    }

    private static void deleteTopicQuietly(AwsClients aws, String arn) {
        try {
            aws.sns().deleteTopic(b -> b.topicArn(arn));
        } catch (SdkException e) {
            java.util.logging.Logger.getLogger(EventSubscriptions.class.getName()).fine("topic cleanup: " + AwsErrors.code(e));
        }
    }
}
