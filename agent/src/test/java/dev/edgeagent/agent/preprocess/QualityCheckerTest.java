package dev.edgeagent.agent.preprocess;

import dev.edgeagent.agent.config.AgentConfigLoader;
import dev.edgeagent.agent.preprocess.quality.QualityChecker;
import dev.edgeagent.agent.preprocess.quality.QualityChecker.Check;
import dev.edgeagent.agent.signal.SignalNames;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The checks acceptance 2 does not inject through the pipeline: one event per fault, of the right kind. */
class QualityCheckerTest {

    record Event(Check check, int signal, double value, long time, long seq) {
    }

    private static QualityChecker checker(String quality, SignalNames names, List<Event> events) {
        var config = AgentConfigLoader.parse("agent.yaml", """
                agent:
                  device-id: d1
                  streams:
                    - id: s
                      modality: camera
                      source: {type: synthetic}
                      preprocess:
                        quality: %s
                """.formatted(quality), Map.of()).agent().streams().get(0).preprocess().get().quality().get();
        return new QualityChecker(config, names, (c, s, v, l, t, seq) -> events.add(new Event(c, s, v, t, seq)));
    }

    @Test
    void frameDropsByTimingDuplicatesNanJumpsAndLostPacketsGiveOneEventEach() {
        SignalNames names = new SignalNames();
        int x = names.id("x", "");
        List<Event> events = new ArrayList<>();
        QualityChecker q = checker("{max-gap: 100ms, signals: [{name: x, max-rate-of-change: 100}]}", names, events);
        long t = 1_000_000_000_000L;
        for (int i = 0; i < 300; i++) {
            long time = t + i * 33_333_333L;          // 30 fps
            if (i >= 100) {
                time += 133_333_332L;                 // frames 100.. come 4 frame times later: 3 dropped frames
            }
            if (i == 200) {
                time -= 33_333_333L;                  // the same time as frame 199
            }
            q.onRecord(time, i);
            double v = i * 0.1;                       // 3 units/s
            if (i == 50) {
                v = Double.NaN;
            }
            if (i == 250) {
                v = 1000;                             // a jump: ~29 000 units/s
            }
            q.onSignal(x, v, time);
        }
        q.onSweep(0, t);
        q.onSweep(3, t + 1);
        List<Check> kinds = events.stream().map(Event::check).toList();
        assertEquals(List.of(Check.NOT_FINITE, Check.TIME_GAP, Check.TIME_DUPLICATE, Check.RATE_OF_CHANGE, Check.PACKET_LOSS),
                kinds, events.toString());
        assertEquals(50, events.get(0).seq());
        assertEquals(100, events.get(1).seq());
        assertEquals((33_333_333 + 133_333_332) / 1e9, events.get(1).value(), 1e-9);
        assertEquals(200, events.get(2).seq());
        assertEquals(250, events.get(3).seq());
        assertEquals(3.0, events.get(4).value());
        // the way back down from the spike is a second jump: counted, but inside the same episode (no event)
        assertEquals(2, q.violations(Check.RATE_OF_CHANGE));
        assertEquals(1, q.events(Check.RATE_OF_CHANGE));
    }
}
