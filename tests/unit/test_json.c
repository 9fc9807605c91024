/* json.c (the emitter), report.c (its JSON and text backends) and jsonq's
 * parser and query (kernel/guest-tools/jsonq.c), which reads them back. */
#include "test.h"
#include "json.h"
#include "jsonq.h"
#include "report.h"
#include "support.h"

#include <stdlib.h>

static char buf[4096];

static FILE *open_buf(void)
{
	memset(buf, 0, sizeof(buf));
	return fmemopen(buf, sizeof(buf), "w");
}

static const char *query(const char *text, const char *path, const char *field, bool keys)
{
	return json_query_text(text, path, field, keys);
}

TEST(json_commas_and_nesting_are_automatic)
{
	struct json j;
	FILE *f = open_buf();

	json_init(&j, f, 0);
	json_object_begin(&j, NULL);
	json_u64(&j, "a", 18446744073709551615ULL);
	json_i64(&j, "b", -5);
	json_bool(&j, "c", true);
	json_array_begin(&j, "d");
	json_object_begin(&j, NULL);
	json_object_end(&j);
	json_array_begin(&j, NULL);
	json_array_end(&j);
	json_str(&j, NULL, NULL);
	json_array_end(&j);
	json_object_begin(&j, "e");
	json_bool(&j, "f", false);
	json_object_end(&j);
	json_object_end(&j);
	CHECK_EQ(json_finish(&j), 0);
	fclose(f);
	CHECK(!strcmp(buf, "{\"a\": 18446744073709551615, \"b\": -5, \"c\": true, "
		      "\"d\": [{}, [], null], \"e\": {\"f\": false}}\n"));
}

TEST(json_outer_levels_on_lines_of_their_own)
{
	struct json j;
	FILE *f = open_buf();

	json_init(&j, f, 2);
	json_object_begin(&j, NULL);
	json_u64(&j, "n", 1);
	json_array_begin(&j, "calls");
	json_object_begin(&j, NULL);
	json_u64(&j, "x", 1);
	json_u64(&j, "y", 2);
	json_object_end(&j);
	json_object_begin(&j, NULL);
	json_object_end(&j);
	json_array_end(&j);
	json_array_begin(&j, "none");
	json_array_end(&j);
	json_object_end(&j);
	CHECK_EQ(json_finish(&j), 0);
	fclose(f);
	CHECK(!strcmp(buf, "{\n  \"n\": 1,\n  \"calls\": [\n    {\"x\": 1, \"y\": 2},\n    {}\n  ],\n"
		      "  \"none\": []\n}\n"));
}

TEST(json_strings_escaped)
{
	struct json j;
	FILE *f = open_buf();

	json_init(&j, f, 0);
	json_object_begin(&j, NULL);
	json_str(&j, "k\"ey", "q\" b\\ n\n r\r t\t \x01 \x7f \xc3\xa9 /");
	json_object_end(&j);
	CHECK_EQ(json_finish(&j), 0);
	fclose(f);
	CHECK(!strcmp(buf, "{\"k\\\"ey\": \"q\\\" b\\\\ n\\n r\\r t\\t \\u0001 \\u007f \xc3\xa9 /\"}\n"));
	/* and read back as written */
	CHECK(!strcmp(query(buf, "k\"ey", NULL, false), "q\" b\\ n| r\r t\t \x01 \x7f \xc3\xa9 /"));
}

TEST(json_misuse_reported)
{
	struct json j;
	FILE *f = open_buf();

	json_init(&j, f, 0);
	json_object_begin(&j, NULL);
	json_u64(&j, NULL, 1);			/* a member without a key */
	json_object_end(&j);
	CHECK_EQ(json_finish(&j), -1);
	json_init(&j, f, 0);
	json_array_begin(&j, NULL);
	json_u64(&j, "k", 1);			/* a key in an array */
	json_array_end(&j);
	CHECK_EQ(json_finish(&j), -1);
	json_init(&j, f, 0);
	json_object_begin(&j, NULL);		/* left open */
	CHECK_EQ(json_finish(&j), -1);
	json_init(&j, f, 0);
	json_array_begin(&j, NULL);
	json_object_end(&j);			/* the wrong bracket */
	CHECK_EQ(json_finish(&j), -1);
	json_init(&j, f, 0);
	for (int i = 0; i < JSON_DEPTH_MAX + 2; i++)
		json_array_begin(&j, NULL);
	CHECK_EQ(json_finish(&j), -1);
	fclose(f);
}

/* The walk both backends see: a PHB-like object with a nested window. */
static void sample_report(struct report *r, bool inside)
{
	report_object_begin(r, NULL);
	report_u64(r, "index", 3);
	report_u64(r, "buid", 0x800000020000000ULL);
	report_line(r, "pvmm: PHB {index} (BUID 0x{buid:x})");
	report_object_begin(r, "tce");
	report_str(r, "mode", "user");
	report_u64(r, "valid_entries", 12);
	report_bool(r, "all_inside_ram", inside);
	report_line(r, "pvmm: PHB {index} TCE mode {mode}: {valid_entries} valid entries, "
		    "{all_inside_ram?all inside guest RAM|SOME OUTSIDE GUEST RAM}");
	report_array_begin(r, "windows");
	report_object_begin(r, NULL);
	report_u64(r, "liobn", 0x80000003);
	report_u64(r, "page_shift", 16);
	report_u64(r, "valid_entries", 7);
	report_u64(r, "devfn", 0x09);
	report_u64(r, "vendor", 0x8086);
	report_i64(r, "group", -1);
	report_line(r, "pvmm:   window 0x{liobn:x} {page_shift:kib} KiB, {valid_entries} valid, "
		    "{devfn:devfn} {vendor:06x} {group} {missing} {mode}");
	report_object_end(r);
	report_array_end(r);
	report_object_end(r);
	report_line(r, "pvmm: after: {valid_entries} {liobn}");
	report_object_end(r);
}

TEST(report_text_rendered_from_the_fields)
{
	struct report r;
	FILE *f = open_buf();

	report_init_text(&r, f);
	sample_report(&r, false);
	fclose(f);
	CHECK(!strcmp(buf,
		"pvmm: PHB 3 (BUID 0x800000020000000)\n"
		"pvmm: PHB 3 TCE mode user: 12 valid entries, SOME OUTSIDE GUEST RAM\n"
		"pvmm:   window 0x80000003 64 KiB, 7 valid, 01.1 008086 -1 ? user\n"
		"pvmm: after: ? ?\n"));	/* the fields of closed objects are gone */
	CHECK_EQ(r.depth, 0);
	CHECK_EQ(r.nr_fields, 0);
}

TEST(report_json_has_the_same_fields_and_no_lines)
{
	struct report r;
	struct json j;
	FILE *f = open_buf();

	json_init(&j, f, 0);
	report_init_json(&r, &j);
	sample_report(&r, true);
	CHECK_EQ(json_finish(&j), 0);
	fclose(f);
	CHECK(!strcmp(buf, "{\"index\": 3, \"buid\": 576460752840294400, \"tce\": {\"mode\": \"user\", "
		      "\"valid_entries\": 12, \"all_inside_ram\": true, \"windows\": [{\"liobn\": 2147483651, "
		      "\"page_shift\": 16, \"valid_entries\": 7, \"devfn\": 9, \"vendor\": 32902, "
		      "\"group\": -1}]}}\n"));
	CHECK(!strcmp(query(buf, "tce.windows.0.group", NULL, false), "-1"));
}

TEST(report_text_fields_bounded)
{
	struct report r;
	FILE *f = open_buf();

	report_init_text(&r, f);
	report_object_begin(&r, NULL);
	for (int i = 0; i < REPORT_FIELDS_MAX + 3; i++)
		report_u64(&r, "n", (uint64_t)i);
	report_line(&r, "{n}");
	report_object_end(&r);
	fclose(f);
	CHECK(r.dropped);
	CHECK(!strcmp(buf, "63\n"));
}

static const char doc[] =
	"{\"exits_total\": 5, \"calls\": [{\"kind\": \"hcall\", \"name\": \"H_PUT_TCE\", \"count\": 3},"
	" {\"kind\": \"rtas\", \"name\": \"a.b\", \"count\": 1.5e3}],"
	" \"marks\": [{\"label\": \"xfer-start run=1\", \"calls\": {\"hcall:H_PUT_TCE\": [1, 20], \"rtas:x\": [2, 5]}}],"
	" \"phbs\": [{\"index\": 0, \"ok\": true, \"w\": [{\"h\": 4}, {\"h\": 6}]}, {\"index\": 1, \"ok\": false, \"w\": []}],"
	" \"s\": \"\\u00e9\\ud83d\\ude00\\/\", \"z\": null}";

TEST(jsonq_paths)
{
	CHECK(!strcmp(query(doc, "exits_total", NULL, false), "5"));
	CHECK(!strcmp(query(doc, "calls[name=H_PUT_TCE].count", NULL, false), "3"));
	CHECK(!strcmp(query(doc, "calls[name=a.b].count", NULL, false), "1.5e3"));
	CHECK(!strcmp(query(doc, "calls.1.kind", NULL, false), "rtas"));
	CHECK(!strcmp(query(doc, "calls.#", NULL, false), "2"));
	CHECK(!strcmp(query(doc, "calls.*", "name", true), "0 H_PUT_TCE|1 a.b"));
	CHECK(!strcmp(query(doc, "calls.*[kind=rtas].name", NULL, false), "a.b"));
	CHECK(!strcmp(query(doc, "marks[label=xfer-start run=1].calls.*", "1", true),
		      "hcall:H_PUT_TCE 20|rtas:x 5"));
	CHECK(!strcmp(query(doc, "phbs[index=1].ok", NULL, false), "false"));
	CHECK(!strcmp(query(doc, "phbs[index=0][ok=true].w.*.h", NULL, false), "4|6"));
	CHECK(!strcmp(query(doc, "phbs.1.w", NULL, false), "[]"));
	CHECK(!strcmp(query(doc, "phbs.0.w", NULL, false), "[{\"h\":4},{\"h\":6}]"));
	CHECK(!strcmp(query(doc, "phbs.0", "missing", false), "null"));
	CHECK(!strcmp(query(doc, "s", NULL, false), "\xc3\xa9\xf0\x9f\x98\x80/"));
	CHECK(!strcmp(query(doc, "z", NULL, false), "null"));
	/* nothing selected */
	CHECK(!strcmp(query(doc, "phbs[index=2].ok", NULL, false), ""));
	CHECK(!strcmp(query(doc, "calls.7", NULL, false), ""));
	CHECK(!strcmp(query(doc, "exits_total.x", NULL, false), ""));
	CHECK(!strcmp(query(doc, "calls[name=H_PUT_TCE", NULL, false), "bad path"));
}

TEST(jsonq_rejects_malformed_json)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[01]", "[1.]", "[-]", "[1e]",
		"\"\x01\"", "\"\\x\"", "\"\\ud800\"", "\"\\u12\"", "tru", "[1] [2]", "{\"a\":}",
		"\"open",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(!strncmp(query(bad[i], "a", NULL, false), "parse error", 11));
	{
		char deep[200];
		memset(deep, '[', 100);
		memset(deep + 100, ']', 100);
		struct jq_doc d;
		CHECK_EQ(jq_parse(&d, deep, sizeof(deep)), -1);
		jq_free(&d);
	}
	CHECK(!strcmp(query(" [ 1 , -0.5e-3 , true ] ", "2", NULL, false), "true"));
}
