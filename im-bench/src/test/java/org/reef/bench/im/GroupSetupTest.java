package org.reef.bench.im;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reef.bench.run.Deadline;
import org.reef.bench.run.Progress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class GroupSetupTest {

    private final FakeReefApi reef = new FakeReefApi();
    private final ImApi api = new ImApi(reef.base(), Duration.ofSeconds(5));
    private final ByteArrayOutputStream progressOut = new ByteArrayOutputStream();
    private final Progress progress = new Progress(new PrintStream(progressOut, true));
    private final List<String> members = IntStream.range(0, 250).mapToObj(i -> "bench-m" + i).toList();

    GroupSetupTest() throws IOException {
    }

    @AfterEach
    void stop() {
        reef.close();
    }

    private GroupSetup.Ready prepare() throws Exception {
        return GroupSetup.prepare(api, "tok-bench-m0", "bench x 250", members, Deadline.in(Duration.ofSeconds(20)),
                progress);
    }

    @Test
    void aGroupOfHundredsIsCreatedByItsFirstMemberAndFilledInBatches() throws Exception {
        GroupSetup.Ready ready = prepare();
        assertFalse(ready.reused());
        assertEquals("group:g1", ready.group().conversation());
        assertEquals(members, ready.group().members());
        assertEquals(List.of("GET /groups", "POST /groups", "POST /groups/g1/members", "POST /groups/g1/members",
                "POST /groups/g1/members", "POST /groups/g1/members"), reef.requests);
        assertEquals(List.of(49, 50, 50, 50, 50), reef.memberBatches.stream().map(List::size).toList());
        assertEquals(members.subList(1, 50), reef.memberBatches.get(0), "the owner creates, the others join");
        assertTrue(reef.authorizations.stream().allMatch("Bearer tok-bench-m0"::equals));
        assertFalse(progressOut.toString().contains("warning"), progressOut.toString());
    }

    @Test
    void theNextRunReusesTheGroup() throws Exception {
        prepare();
        reef.requests.clear();
        GroupSetup.Ready again = prepare();
        assertTrue(again.reused());
        assertEquals("group:g1", again.group().conversation());
        assertEquals(List.of("GET /groups"), reef.requests, "no new group, no new members, no system messages");
    }

    @Test
    void aGroupLeftHalfFilledIsCompleted() throws Exception {
        reef.existingGroup("bench x 250", members.subList(0, 120));
        GroupSetup.Ready ready = prepare();
        assertTrue(ready.reused());
        assertEquals(List.of(50, 50, 30), reef.memberBatches.stream().map(List::size).toList());
        assertEquals(250, ready.group().members().size());
    }

    @Test
    void aGroupWithStrangersOrAnotherNameIsNotReused() throws Exception {
        reef.existingGroup("bench x 250", List.of("bench-m0", "alice"));
        reef.existingGroup("another", List.of("bench-m0"));
        GroupSetup.Ready ready = prepare();
        assertFalse(ready.reused());
        assertEquals("group:g3", ready.group().conversation());
    }

    @Test
    void aServerThatCannotListGroupsGetsANewOne() throws Exception {
        reef.listsGroups = false;
        GroupSetup.Ready ready = prepare();
        assertFalse(ready.reused());
        assertEquals(250, ready.group().members().size());
    }
}
