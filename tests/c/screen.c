/*
 * A payment system's use of the C ABI, in miniature: open an index once,
 * screen names from several threads at once, free every answer, close.
 *
 *   screen INDEX_DIR THREADS ROUNDS NAME EXPECT
 *
 * Each thread screens NAME (and a few others) ROUNDS times; the run fails
 * unless every answer for NAME contains EXPECT (an entity id) and the
 * error paths report errors. Prints "ok N" with the number of answers.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo.h"

struct job {
    const EmbargoIndex *idx;
    int rounds;
    const char *name;
    const char *expect;
    int answers;
    int failures;
};

static void *run(void *arg) {
    struct job *j = arg;
    static const char *others[] = {"John Smith", "Acme Trading S.A.", "Мухаммад Али", ""};
    for (int r = 0; r < j->rounds; r++) {
        char *out = embargo_screen(j->idx, j->name, "{\"max_hits\": 3, \"type\": \"person\"}");
        if (out == NULL || strstr(out, j->expect) == NULL || strstr(out, "\"manifest_sha256\"") == NULL) {
            fprintf(stderr, "screen %s: %s\n", j->name, out ? out : embargo_last_error());
            j->failures++;
        } else {
            j->answers++;
        }
        embargo_string_free(out);
        const char *other = others[r % 4];
        out = embargo_screen(j->idx, other, NULL);
        if (other[0] == '\0') {
            /* An empty name is refused with a reason, not a crash. */
            if (out != NULL || embargo_last_error() == NULL) {
                fprintf(stderr, "empty name was not refused\n");
                j->failures++;
            }
        } else if (out == NULL) {
            fprintf(stderr, "screen %s: %s\n", other, embargo_last_error());
            j->failures++;
        } else {
            j->answers++;
        }
        embargo_string_free(out);
    }
    /* Bad options: NULL and a reason. */
    char *bad = embargo_screen(j->idx, j->name, "{\"threshold\": 7}");
    if (bad != NULL || embargo_last_error() == NULL || strstr(embargo_last_error(), "threshold") == NULL) {
        fprintf(stderr, "bad options were not refused\n");
        j->failures++;
    }
    embargo_string_free(bad);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: screen INDEX_DIR THREADS ROUNDS NAME EXPECT\n");
        return 2;
    }
    if (embargo_open("/nonexistent/index") != NULL || embargo_last_error() == NULL) {
        fprintf(stderr, "opening a missing index did not fail\n");
        return 1;
    }
    EmbargoIndex *idx = embargo_open(argv[1]);
    if (idx == NULL) {
        fprintf(stderr, "open %s: %s\n", argv[1], embargo_last_error());
        return 1;
    }
    int n = atoi(argv[2]);
    if (n < 1 || n > 64) n = 4;
    pthread_t threads[64];
    struct job jobs[64];
    for (int i = 0; i < n; i++) {
        jobs[i] = (struct job){idx, atoi(argv[3]), argv[4], argv[5], 0, 0};
        if (pthread_create(&threads[i], NULL, run, &jobs[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    }
    int answers = 0, failures = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(threads[i], NULL);
        answers += jobs[i].answers;
        failures += jobs[i].failures;
    }
    embargo_close(idx);
    printf("version %s\n", embargo_version());
    if (failures) {
        fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    printf("ok %d\n", answers);
    return 0;
}
