package io.rdsreplication.provider.it;

import io.rdsreplication.provider.aws.AwsClients;
import io.rdsreplication.provider.aws.EventSubscriptions;
import io.rdsreplication.provider.core.ProviderException;
import io.rdsreplication.provider.testing.TestBed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.EventSubscription;
import software.amazon.awssdk.services.rds.model.RdsException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Topic;

import java.net.URI;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RDS event subscriptions for the test bed's instance against moto (RDS and SNS in server mode). */
@Tag("integration")
class EventSubscriptionsIT {
    static AwsClients aws;
    static RdsClient rds;
    static SnsClient sns;
    static String instance;

    @BeforeAll
    static void init() {
        System.setProperty("aws.accessKeyId", TestBed.env().getOrDefault("AWS_ACCESS_KEY_ID", "testing"));
        System.setProperty("aws.secretAccessKey", TestBed.env().getOrDefault("AWS_SECRET_ACCESS_KEY", "testing"));
        aws = new AwsClients(TestBed.get("AWS_REGION"), null, TestBed.get("AWS_ENDPOINT_URL"), 30);
        rds = TestBed.rds();
        sns = SnsClient.builder().region(Region.of(TestBed.get("AWS_REGION")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .endpointOverride(URI.create(TestBed.get("AWS_ENDPOINT_URL"))).httpClient(UrlConnectionHttpClient.create()).build();
        instance = TestBed.get("DB_INSTANCE_ID");
    }

    @AfterAll
    static void done() {
        aws.close();
        rds.close();
        sns.close();
    }

    static EventSubscription described(String name) {
        return rds.describeEventSubscriptions(b -> b.subscriptionName(name)).eventSubscriptionsList().get(0);
    }

    static boolean gone(String name) {
        RdsException e = assertThrows(RdsException.class, () -> described(name));
        return e.awsErrorDetails().errorCode().startsWith("SubscriptionNotFound");
    }

    static List<String> topics() {
        return sns.listTopics().topics().stream().map(Topic::topicArn).toList();
    }

    @Test
    void aCreatedTopicIsOwnedAndDeletedWithTheSubscription() {
        String name = TestBed.unique("rds-events-");
        var s = EventSubscriptions.create(aws, new EventSubscriptions.Spec(name, instance, null, null));
        assertTrue(s.topicOwned());
        assertTrue(topics().contains(s.snsTopicArn()), "the topic exists");

        EventSubscription d = described(name);
        assertTrue(d.enabled(), "enabled");
        assertEquals(List.of(instance), d.sourceIdsList());
        assertEquals("db-instance", d.sourceType());
        assertEquals(Set.of("availability", "failover", "failure", "maintenance"), Set.copyOf(d.eventCategoriesList()));
        assertEquals(s.snsTopicArn(), d.snsTopicArn());
        assertEquals(s, EventSubscriptions.read(aws, name, true).orElseThrow());

        EventSubscriptions.delete(aws, name, s.snsTopicArn());
        assertTrue(gone(name));
        assertFalse(topics().contains(s.snsTopicArn()), "the owned topic is deleted too");
        assertTrue(EventSubscriptions.read(aws, name, true).isEmpty());
        EventSubscriptions.delete(aws, name, s.snsTopicArn());   // deleting twice is not an error
    }

    @Test
    void aGivenTopicIsUsedAndKept() {
        String name = TestBed.unique("rds-events-");
        String topic = sns.createTopic(b -> b.name(name + "-given")).topicArn();
        try {
            var s = EventSubscriptions.create(aws, new EventSubscriptions.Spec(name, instance, topic, List.of("failover", "low storage")));
            assertFalse(s.topicOwned());
            assertEquals(topic, described(name).snsTopicArn());
            assertEquals(Set.of("failover", "low storage"), Set.copyOf(described(name).eventCategoriesList()));
            EventSubscriptions.delete(aws, name, null);
            assertTrue(gone(name));
            assertTrue(topics().contains(topic), "a given topic is not ours to delete");
        } finally {
            sns.deleteTopic(b -> b.topicArn(topic));
        }
    }

    @Test
    void anUnknownInstanceIsRefusedBeforeATopicIsMade() {
        String name = TestBed.unique("rds-events-");
        List<String> before = topics();
        var e = assertThrows(ProviderException.Precondition.class,
                () -> EventSubscriptions.create(aws, new EventSubscriptions.Spec(name, "no-such-instance", null, null)));
        assertTrue(e.getMessage().contains("no-such-instance"), e.getMessage());
        assertEquals(before, topics());
        assertTrue(gone(name));
    }

    @Test
    void badInputIsRefusedByFieldWithoutAnAwsCall() {
        var e = assertThrows(ProviderException.InvalidInput.class, () -> EventSubscriptions.create(null,
                new EventSubscriptions.Spec("1bad name", "", "arn:nope", List.of("failover", "explosions"))));
        String m = e.failures().toString();
        assertTrue(m.contains("name") && m.contains("dbInstanceIdentifier") && m.contains("snsTopicArn") && m.contains("categories[1]"), m);
    }
}
