-- bench.lua - the Lua workload of bench/record-overhead.sh: a mix of what
-- Lua programs spend their time on (function calls and closures, table
-- inserts, lookups and sorts, string building and pattern matching), so
-- that the instrumented interpreter makes tens of millions of C calls.
-- usage: lua bench.lua [SCALE]   (default 1; the work grows linearly)
local scale = tonumber(arg and arg[1]) or 1

local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

local function tables(n)
  local t = {}
  for i = 1, n do t[i] = (i * 7919) % 1000 end
  table.sort(t)
  local m = {}
  for i = 1, n do
    local k = "k" .. (t[i] % 251)
    m[k] = (m[k] or 0) + 1
  end
  local s = 0
  for _, v in pairs(m) do s = s + v end
  return s
end

local function strings(n)
  local parts = {}
  for i = 1, n do
    parts[#parts + 1] = string.format("%d:%s", i, string.rep("x", i % 7))
  end
  local text = table.concat(parts, ",")
  local count = 0
  for w in text:gmatch("(%d+):x+") do count = count + #w end
  return count + #text:upper()
end

local function closures(n)
  local acc = 0
  local function adder(k) return function(x) return x + k end end
  for i = 1, n do acc = adder(i % 13)(acc) % 1000003 end
  return acc
end

local total = 0
for _ = 1, scale do
  total = total + fib(24)
  total = total + tables(20000)
  total = total + strings(20000)
  total = total + closures(50000)
end
print(string.format("bench.lua scale %d: %d", scale, total))
