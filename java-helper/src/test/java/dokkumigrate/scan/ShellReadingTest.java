package dokkumigrate.scan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The shell reading underneath the checks: Procfile and scale input, editing a line, malformed scripts. */
class ShellReadingTest {

    private final MigrationCommands commands = new MigrationCommands();

    @Test
    void procfileEntriesKeepTheirLineNumbersAsDokkuReadsThem() {
        Procfile procfile = Procfile.parse("""
                # comment
                web: bundle exec puma -C config/puma.rb # trailing comment

                worker:bundle exec sidekiq
                // another comment
                release: bin/rails db:migrate
                not an entry
                """);
        assertEquals(List.of(
                new ProcfileEntry("web", "bundle exec puma -C config/puma.rb", 2),
                new ProcfileEntry("worker", "bundle exec sidekiq", 4),
                new ProcfileEntry("release", "bin/rails db:migrate", 6)), procfile.entries());
        assertEquals(Optional.empty(), procfile.entry("clock"));
    }

    @Test
    void processScaleReadsPsCurrentScale() {
        assertEquals(Map.of("web", 2, "worker", 4), ProcessScale.parse("web=2\nworker=4").instances());
        assertEquals(List.of("web", "worker", "clock"), List.copyOf(ProcessScale.parse("web=1\nworker=0\nclock=1\n")
                .instances().keySet()));
        assertEquals(0, ProcessScale.parse("").of("web"));
        assertThrows(IllegalArgumentException.class, () -> ProcessScale.parse("web"));
        assertThrows(IllegalArgumentException.class, () -> ProcessScale.parse("web=two"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '~', quoteCharacter = '"', textBlock = """
            rails db:migrate && rails server                ~ rails db:migrate      ~ rails server
            rails db:migrate; exec rails server             ~ rails db:migrate      ~ exec rails server
            rails server & rails db:migrate                 ~ rails db:migrate      ~ rails server
            echo start && rails db:migrate && rails server  ~ rails db:migrate      ~ echo start && rails server
            rails db:migrate || true                        ~ rails db:migrate      ~ ""
            rails db:migrate 2>&1 | tee log && rails server ~ rails db:migrate 2>&1 ~ rails server
            rails db:migrate  # migrate first               ~ rails db:migrate      ~ ""
            """)
    void removesOneCommandAndItsConnector(String line, String command, String expected) {
        int start = line.indexOf(command);
        assertEquals(Optional.of(expected), CommandRemoval.remove(line, start, start + command.length()));
    }

    @Test
    void doesNotRemoveTheOnlyCommandOfABlockOnOneLine() {
        String line = "if [ \"$1\" = server ]; then rails db:migrate; fi";
        int start = line.indexOf("rails db:migrate");
        assertEquals(Optional.empty(), CommandRemoval.remove(line, start, start + "rails db:migrate".length()));
    }

    @Test
    void readsQuotingExpansionsAndContinuations() {
        String script = """
                ARGS="--noinput"
                python manage.py \\
                  migrate $ARGS
                echo "$(bundle exec rails db:migrate)" > /dev/null
                FOO='rails db:migrate' bundle exec puma
                """;
        List<MigrationMatch> matches = commands.find(script);
        assertEquals(List.of("python manage.py \\\n  migrate $ARGS"), matches.stream().map(MigrationMatch::command).toList());
        assertEquals(2, matches.get(0).line());
    }

    @Test
    void doubleBracketTestsKeepTheirOperators() {
        String script = "if [[ $1 == *rails* && $2 == server ]]; then bin/rails db:prepare; fi";
        assertEquals(1, commands.find(script, List.of("./bin/rails", "server")).size());
        assertEquals(List.of(), commands.find(script, List.of("sidekiq")));
    }

    @Test
    @Timeout(120)
    void malformedScriptsNeitherFailNorHang() {
        for (String script : List.of("if then fi fi", "case", "case x in", "esac )", "\"unclosed", "'unclosed",
                "$(unclosed", "${unclosed", "f() {", "}", ")))", ";;", "&& ||", "<<EOF\nrails db:migrate", "for do done",
                "while", "function", "! !", "[[ ]]", "`", "\\", "a=b", "exec", "sh -c", "sh -c 'sh -c \"sh -c x\"'")) {
            // none of them holds a command that runs a migration (a heredoc's body is data)
            assertEquals(List.of(), commands.find(script), script);
            assertEquals(List.of(), commands.find(script, List.of("x")), script);
        }
        Random random = new Random(42);
        String alphabet = " \n\t;&|()<>'\"`$\\{}[]#=!*?-abcdfiesthnrcxwl:0123456789";
        for (int i = 0; i < 2000; i++) {
            StringBuilder script = new StringBuilder();
            int length = random.nextInt(80);
            for (int j = 0; j < length; j++) {
                script.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            commands.find(script.toString());
            commands.find(script.toString(), List.of("a", "b"));
        }
    }
}
