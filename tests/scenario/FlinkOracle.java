import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.ResultKind;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;

/** Apache Flink SQL as the oracle for scenario files (driven by flink_oracle.py).
 *  Each argument is a file of statements separated by lines "--@@--". For each file it prints
 *  "@@BEGIN name", then each SELECT's rows as Flink's Row.toString() ("+I[1, x]"), print-sink
 *  rows as the print connector writes them, "@@ERROR message" if a statement fails (the rest of
 *  that file is skipped), and "@@END name". One JVM runs every file: the start-up is paid once. */
public final class FlinkOracle {
    public static void main(String[] args) throws Exception {
        for (String file : args) {
            String name = Path.of(file).getFileName().toString();
            System.out.println("@@BEGIN " + name);
            System.out.flush();
            TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
            env.getConfig().set("parallelism.default", "1");
            env.getConfig().set("table.exec.resource.default-parallelism", "1");
            env.getConfig().set("table.local-time-zone", "UTC");
            String text = Files.readString(Path.of(file));
            try {
                for (String stmt : text.split("\n--@@--\n")) {
                    String s = stmt.trim();
                    if (s.endsWith(";")) s = s.substring(0, s.length() - 1);
                    if (s.isEmpty()) continue;
                    String head = s.replaceAll("(?s)^(\\s*(--[^\\n]*\\n|/\\*.*?\\*/))*\\s*", "")
                            .toUpperCase();
                    java.util.regex.Matcher set = java.util.regex.Pattern
                            .compile("(?is)SET\\s+'([^']*)'\\s*=\\s*'([^']*)'\\s*").matcher(s);
                    if (set.matches()) {  // the SQL client's SET, which executeSql() lacks
                        env.getConfig().getConfiguration().setString(set.group(1), set.group(2));
                        continue;
                    }
                    TableResult r = env.executeSql(s);
                    if (head.startsWith("SELECT") || head.startsWith("VALUES")) {
                        try (var it = r.collect()) {
                            while (it.hasNext()) System.out.println(it.next().toString());
                        }
                    } else if (r.getJobClient().isPresent()) {
                        r.await();
                    }
                    System.out.flush();
                }
            } catch (Throwable t) {
                Throwable root = t;
                StringBuilder msg = new StringBuilder();
                for (Throwable c = t; c != null; c = c.getCause()) {
                    msg.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" | ");
                }
                System.out.println("@@ERROR " + msg.toString().replace('\n', ' '));
            }
            System.out.println("@@END " + name);
            System.out.flush();
        }
        System.exit(0);
    }
}
