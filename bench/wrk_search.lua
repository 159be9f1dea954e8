-- wrk script of bench/load.py: search pages, each request its own query, then wrk_summary.lua's JSON line.
--
--   wrk ... -s bench/wrk_search.lua http://host/ -- new WORDS_FILE SEED
--     a query never asked before on every request: two words of the corpus's vocabulary (WORDS_FILE,
--     one a line), "a OR b", the pair turning with a per-thread counter, and a word that no report
--     holds, left out ("-s<SEED>t<thread>n<counter>"): it changes no match, and makes every query
--     (its parsed form, which kept results are keyed by) one of its own, in every run (SEED) and
--     thread, so that no cache of results can answer it.
--   wrk ... -s bench/wrk_search.lua http://host/ -- repeat QUERIES_FILE
--     a small fixed set of queries (QUERIES_FILE, one a line), each thread going round them in turn.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "wrk_summary.lua")

local threads = 0

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

local function lines(path)
  local found = {}
  for line in io.lines(path) do
    if line ~= "" then
      found[#found + 1] = line
    end
  end
  assert(#found > 1, path .. ": fewer than two lines")
  return found
end

local function encoded(text)
  return (text:gsub("[^%w%-%._~]", function(character)
    return string.format("%%%02X", string.byte(character))
  end))
end

local mode, items, seed
local counter = 0

function init(args)
  mode, items, seed = args[1], lines(args[2]), args[3] or "0"
  assert(mode == "new" or mode == "repeat", "mode: new or repeat")
end

function request()
  counter = counter + 1
  local query
  if mode == "new" then
    local count = #items
    local first = counter % count
    local second = (first + 1 + math.floor(counter / count) % (count - 1)) % count
    query = string.format("%s OR %s -s%st%dn%d", items[first + 1], items[second + 1], seed, thread_number, counter)
  else
    query = items[(counter + thread_number) % #items + 1]
  end
  return wrk.format("GET", "/search/?q=" .. encoded(query))
end
